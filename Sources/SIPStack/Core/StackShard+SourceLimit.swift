import NIOConcurrencyHelpers
import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A bound on the server transactions one source IP address (any port, any transport) holds at
/// once (issue 10 "Hardening": transactions per source). A request that would pass it gets
/// `503 Service Unavailable` with `Retry-After` (RFC 3261 §21.5.4) statelessly, before any
/// transaction exists; ACK and CANCEL (§9.2) and BYE (it ends a call, and a BYE the TU answers
/// at once holds nothing) are never refused.
///
/// What counts is the state a peer makes the gateway keep: a transaction until its final
/// response (the §17.2.2 Completed state of a non-INVITE and the RFC 6026 Accepted state after a
/// 2xx last a fixed time whatever the peer does, and the rate limit bounds how many there are),
/// and an INVITE answered with a non-2xx until it ends (a peer that never ACKs keeps it for
/// Timer H, §17.2.1). The counts are shared by every shard of the stacks built from one
/// configuration value.
public struct SIPSourceLimit: Sendable {
    /// Named limit: the default live transactions per source. A NAT in front of an office of a
    /// few hundred phones stays far below it; trunks and doors are exempt in the gateway.
    public static let defaultMaxTransactions = 200

    /// Transactions per source at most; nil turns the limit off.
    public var maxTransactions: Int?
    /// Sources the limit never refuses (allow-listed trunks, doors); asked only when a source is
    /// at its limit, so it may take a lock.
    public var exempt: (@Sendable (SocketAddress) -> Bool)?
    /// The live counts (a reference: copies of this value share it).
    let table = SourceTransactionTable()

    public init(maxTransactions: Int? = SIPSourceLimit.defaultMaxTransactions,
                exempt: (@Sendable (SocketAddress) -> Bool)? = nil) {
        self.maxTransactions = maxTransactions.map { max(1, $0) }
        self.exempt = exempt
    }

    /// No limit.
    public static var off: SIPSourceLimit { SIPSourceLimit(maxTransactions: nil) }

    /// Transactions `source` holds now (for tests and status).
    public func liveTransactions(from source: SocketAddress) -> Int {
        SourceKey(source).map { table.count(of: $0) } ?? 0
    }
}

/// An IP address as two words (IPv4 in the low one), without the port.
struct SourceKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            high = 0
            low = UInt64(UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            var (high, low) = (UInt64(0), UInt64(0))
            withUnsafeBytes(of: v6.address.sin6_addr) { raw in
                for index in 0..<8 { high = high << 8 | UInt64(raw[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(raw[index]) }
            }
            (self.high, self.low) = (high, low)
        case .unixDomainSocket:
            return nil
        }
    }
}

/// Live transactions per source, shared by the shards (one short lock per new transaction and
/// per release). Entries at zero are removed, so the table holds only active sources.
final class SourceTransactionTable: Sendable {
    private let counts = NIOLockedValueBox<[SourceKey: Int]>([:])

    /// Takes a slot when `source` holds fewer than `limit`, or always when `force`.
    func acquire(_ source: SourceKey, limit: Int, force: Bool = false) -> Bool {
        counts.withLockedValue { counts in
            let count = counts[source, default: 0]
            guard force || count < limit else { return false }
            counts[source] = count + 1
            return true
        }
    }

    func release(_ source: SourceKey) {
        counts.withLockedValue { counts in
            guard let count = counts[source] else { return }
            counts[source] = count > 1 ? count - 1 : nil
        }
    }

    func count(of source: SourceKey) -> Int { counts.withLockedValue { $0[source, default: 0] } }
}

extension StackShard {
    /// Takes a slot of the request's source for a new transaction (`slot`, nil when nothing is
    /// counted), or answers the request 503 and returns `admitted: false` when the source is at
    /// its limit (StackShard.receiveRequest calls it before creating a server transaction).
    func admitFromSource(_ inbound: SIPInboundMessage, method: SIPMethod, key: ServerTransactionKey)
        -> (admitted: Bool, slot: SourceKey?)
    {
        let limit = configuration.sourceLimit
        guard let max = limit.maxTransactions, method != .cancel, let source = SourceKey(inbound.context.source)
        else { return (true, nil) }
        if limit.table.acquire(source, limit: max) { return (true, source) }
        let exempt = method == .bye || limit.exempt?(inbound.context.source) == true
        if exempt, limit.table.acquire(source, limit: max, force: true) { return (true, source) }
        counters.sourceLimitRejects += 1
        // A retransmitted INVITE gets the same 503 and its ACK is absorbed (StackShard+Overload).
        if method == .invite { overloadRejectedInvites.insert(key) }
        // §8.2.7 (stateless UAS): the same To tag for every retransmission of the request.
        let tag = "sl" + String(UInt(bitPattern: key.hashValue), radix: 36)
        var response = inbound.message.makeResponse(status: 503, toTag: tag)
        response.headers.append(.retryAfter, value: String(configuration.overload.retryAfter))
        transport.sendResponse(response, for: inbound.context).whenFailure { _ in }
        return (false, nil)
    }

    /// Gives back the source slot `entry` holds, if any: at its final response (`finalStatus`),
    /// except an INVITE's non-2xx, which holds it until the transaction ends (the ACK and Timer
    /// I, or Timer H when the peer never ACKs); at the transaction's end in any case.
    func releaseSourceSlot(_ entry: ServerEntry, finalStatus: Int? = nil) {
        guard let source = entry.sourceSlot else { return }
        if let status = finalStatus, entry.isInvite, !(200...299).contains(status) { return }
        entry.sourceSlot = nil
        configuration.sourceLimit.table.release(source)
    }
}
