import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// Identifies a client INVITE transaction to cancel.
public struct SIPClientTransactionID: Sendable, Hashable {
    let key: ClientTransactionKey
    let callID: ArraySlice<UInt8>?
}

extension SIPStack {
    /// Sends `request` through a new client transaction (RFC 3261 §17.1) to `target`. The stack
    /// puts its Via on top (sent-by from the configuration, a new branch, `rport`, RFC 3581).
    /// `onEvent` runs on the Call-ID's event loop for each provisional and final response, or
    /// once for a timeout or transport error.
    @discardableResult
    public func sendRequest(
        _ request: SIPMessage, to target: SIPTransportTarget, onEvent: @escaping @Sendable (SIPClientEvent) -> Void
    ) -> SIPClientTransactionID? {
        let branch = ClientTransactionKey.makeBranch()
        var outgoing = withVia(request, transport: target.transport, branch: branch)
        guard let method = outgoing.method else { return nil }
        var target = target
        var udpFallback: ClientEntry.Fallback?
        if target.transport == .udp, configuration.sentBy[.tcp] != nil,
            configuration.requestSizeRule.decision(for: outgoing, transport: .udp) == .switchToTCP
        {
            // §18.1.1: too large for UDP; TCP with the top Via saying so, UDP again if refused.
            udpFallback = ClientEntry.Fallback(request: outgoing, target: target)
            target.transport = .tcp
            outgoing = withVia(request, transport: .tcp, branch: branch)
        }
        let shard = shard(for: outgoing)
        let (message, destination, fallback) = (outgoing, target, udpFallback)
        onLoop(of: shard) { shard.startClient(message, to: destination, udpFallback: fallback, onEvent: onEvent) }
        return SIPClientTransactionID(key: ClientTransactionKey(branch: branch, method: method), callID: outgoing.callIDBytes)
    }

    /// The responses to `request` as an async sequence; it ends after the final response (for
    /// INVITE, after the first final response: later 2xx from forking are not delivered here).
    public func request(_ request: SIPMessage, to target: SIPTransportTarget) -> AsyncStream<SIPClientEvent> {
        AsyncStream { continuation in
            sendRequest(request, to: target) { event in
                continuation.yield(event)
                if event.isFinal { continuation.finish() }
            }
        }
    }

    /// The final outcome of `request`: the final response, or a timeout / transport error.
    public func finalResponse(to request: SIPMessage, at target: SIPTransportTarget) async -> SIPClientEvent {
        for await event in self.request(request, to: target) where event.isFinal { return event }
        return .transportError
    }

    /// Cancels a pending INVITE (§9.1). `onEvent` receives the CANCEL's own responses; the
    /// INVITE's 487 arrives on the INVITE's handler.
    /// `headers` are added to the CANCEL (a `Reason`, RFC 3326).
    public func cancel(
        _ id: SIPClientTransactionID, headers: [(HeaderName, String)] = [],
        onEvent: @escaping @Sendable (SIPClientEvent) -> Void = { _ in }
    ) {
        let shard = shards[SIPStack.shardIndex(id.callID, count: shards.count)]
        let extra = headers
        onLoop(of: shard) { shard.cancelClient(id.key, headers: extra, onEvent: onEvent) }
    }

    /// Sends `request` without a transaction (§8.1.1: no retransmission, no matching), with our
    /// Via on top.
    public func sendStateless(_ request: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        transport.send(withVia(request, transport: target.transport, branch: ClientTransactionKey.makeBranch()), to: target)
    }

    /// Sends a response without a transaction, routed per §18.2.2 from `context`.
    public func sendStatelessResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
        transport.sendResponse(response, for: context)
    }

    /// Sends the ACK for a 2xx `response` to `invite` (§13.2.2.4): built from the INVITE with the
    /// response's To tag, a single Via of ours, outside any transaction. Call it again for each
    /// retransmitted 2xx: the ACK it sends is the same each time (``ackBranch(for:)``).
    public func sendAck(for invite: SIPMessage, response: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        var source = invite
        // The TU's copy of the INVITE may lack our Via (the stack added it); makeACK wants one,
        // and the ACK gets a fresh Via below anyway.
        if !source.headers.contains(.via) { source.headers.append(.via, value: "SIP/2.0/UDP invalid") }
        guard var ack = SIPMessage.makeACK(for: source, response: response) else {
            return shards[0].eventLoop.makeFailedFuture(SIPStackError.cannotBuildAck)
        }
        ack.headers.removeAll(.via)
        return transport.send(withVia(ack, transport: target.transport, branch: Self.ackBranch(for: ack)), to: target)
    }

    /// The branch of the ACK for a 2xx: the same for every retransmission of that 2xx, so that
    /// the re-sent ACK is a retransmission of the first one and not a new request (§13.2.2.4:
    /// "the UAC core ... MUST retransmit the ACK"; sipp's uas aborts a call on a second,
    /// different ACK). Derived from Call-ID, CSeq number and To tag with FNV-1a (not Swift's
    /// per-process seeded hasher).
    static func ackBranch(for ack: SIPMessage) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(ack.callIDBytes ?? [])
        mix(String(ack.cseqNumber ?? 0).utf8)
        mix((ack.toTag ?? "").utf8)
        return "z9hG4bKack" + String(hash, radix: 16)
    }

    /// `request` with our Via on top.
    func withVia(_ request: SIPMessage, transport: SIPTransportProtocol, branch: String) -> SIPMessage {
        var outgoing = request
        let configured = boundSentBy.withLockedValue { $0 } ?? configuration.sentBy
        let sentBy = configured[transport] ?? configured.values.first ?? "127.0.0.1"
        outgoing.headers.prepend(.via, value: "SIP/2.0/\(transport.viaName) \(sentBy);branch=\(branch);rport")
        return outgoing
    }
}

/// Errors of the TU API.
public enum SIPStackError: Error, Sendable, Hashable {
    /// The INVITE or the 2xx lacked a field the ACK needs (Call-ID, From, To, CSeq, Via).
    case cannotBuildAck
}
