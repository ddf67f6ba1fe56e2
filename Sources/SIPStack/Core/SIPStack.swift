import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport
import NIOConcurrencyHelpers

/// Runs RFC 3261 §17 transactions on event loops: matches inbound messages to transactions,
/// performs the machines' actions (send, retransmit, timers, pass up), and gives the
/// transaction user (TU) a small API.
///
/// ```swift
/// let stack = try SIPStack(group: group, configuration: config, user: tu) { inbound in
///     try SIPTransportManager(configuration: transportConfig, group: group, onInbound: inbound)
/// }
/// for await event in stack.request(invite, to: target) { … }     // client side
/// ```
///
/// Each Call-ID hashes to one shard, owned by one event loop; a message arriving on another
/// loop hops once. Inside a shard nothing locks.
public final class SIPStack: Sendable {
    let shards: [StackShard]
    let transportBox: TransportBox
    public let configuration: SIPStackConfiguration
    /// The sent-by per transport once the listeners are bound (a configured port 0 becomes the
    /// real one); nil uses ``SIPStackConfiguration/sentBy``. Read once per request we send.
    let boundSentBy = NIOLockedValueBox<[SIPTransportProtocol: String]?>(nil)

    /// Replaces the configured sent-by after the listeners are bound (RFC 3261 §18.1.1: the Via
    /// must name the port responses come back to).
    public func setSentBy(_ sentBy: [SIPTransportProtocol: String]) {
        boundSentBy.withLockedValue { $0 = sentBy }
    }

    /// The transport the stack sends through.
    public var transport: any SIPMessageTransport { transportBox.transport }

    /// Creates the stack and its transport. `makeTransport` receives the function the transport
    /// calls for each inbound message (pass it as `SIPTransportManager`'s `onInbound`); nothing
    /// may be delivered before this initializer returns (start the transport afterwards).
    public init<Transport: SIPMessageTransport>(
        group: any EventLoopGroup, configuration: SIPStackConfiguration, user: SIPTransactionUser,
        transport makeTransport: (@escaping @Sendable (SIPInboundMessage) -> Void) throws -> Transport
    ) rethrows {
        var loops = Array(group.makeIterator())
        if configuration.shardCount > 0 { loops = Array(loops.prefix(configuration.shardCount)) }
        let box = TransportBox()
        let shards = loops.map { StackShard(eventLoop: $0, transportBox: box, configuration: configuration, user: user) }
        self.shards = shards
        self.transportBox = box
        self.configuration = configuration
        box.transport = try makeTransport { inbound in SIPStack.route(inbound, to: shards) }
    }

    /// Hands an inbound message to the shard that owns its Call-ID.
    public func receive(_ inbound: SIPInboundMessage) {
        SIPStack.route(inbound, to: shards)
    }

    static func route(_ inbound: SIPInboundMessage, to shards: [StackShard]) {
        let shard = shards[shardIndex(inbound.message.callIDBytes, count: shards.count)]
        if shard.eventLoop.inEventLoop {
            shard.receive(inbound)
        } else {
            shard.eventLoop.execute { shard.receive(inbound) }
        }
    }

    /// FNV-1a over the Call-ID bytes: the same Call-ID always lands on the same loop.
    static func shardIndex(_ callID: ArraySlice<UInt8>?, count: Int) -> Int {
        guard count > 1, let callID else { return 0 }
        var hash: UInt32 = 2_166_136_261
        for byte in callID { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(count))
    }

    func shard(for message: SIPMessage) -> StackShard {
        shards[SIPStack.shardIndex(message.callIDBytes, count: shards.count)]
    }

    /// Runs `body` on `shard`'s loop (inline when already there).
    func onLoop(of shard: StackShard, _ body: @escaping @Sendable () -> Void) {
        if shard.eventLoop.inEventLoop { body() } else { shard.eventLoop.execute(body) }
    }

    /// A snapshot of the counters of every shard.
    public func counters() async throws -> SIPStackCounters {
        var total = SIPStackCounters()
        for shard in shards {
            total = total + (try await shard.eventLoop.submit { shard.counters }.get())
        }
        return total
    }
}

/// The transport, set once while ``SIPStack/init`` runs and read-only afterwards, before any
/// message can arrive or be sent.
final class TransportBox: @unchecked Sendable {
    var transport: any SIPMessageTransport = UnsetTransport()
}

/// The placeholder before ``SIPStack/init`` sets the real transport.
struct UnsetTransport: SIPMessageTransport {
    struct NotSet: Error {}
    func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        preconditionFailure("SIPStack transport used before initialization finished")
    }
    func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
        preconditionFailure("SIPStack transport used before initialization finished")
    }
}
