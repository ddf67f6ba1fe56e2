import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPStack
import SIPTransaction
import SIPTransport

/// Two stacks joined by an in-memory "UDP" link that serializes and reparses every message and
/// can drop chosen ones (pjsip's loop transport, STYLE.md).
final class LoopbackLink: Sendable {
    typealias DropRule = @Sendable (SIPMessage) -> Bool
    let group: MultiThreadedEventLoopGroup
    let stacks = NIOLockedValueBox<[SIPStack]>([])
    let dropRule: NIOLockedValueBox<DropRule>
    let dropped = NIOLockedValueBox(0)
    /// The transport of every request sent through the link, in order.
    let requestTransports = NIOLockedValueBox<[SIPTransportProtocol]>([])
    /// When set, every send over TCP fails, as a refused connection does.
    let refusesTCP = NIOLockedValueBox(false)

    init(group: MultiThreadedEventLoopGroup, drop: @escaping DropRule = { _ in false }) {
        self.group = group
        self.dropRule = NIOLockedValueBox(drop)
    }

    /// Drops each message matching `predicate` the first `times` times it is seen.
    static func dropFirst(_ times: Int, where predicate: @escaping @Sendable (SIPMessage) -> Bool) -> DropRule {
        let seen = NIOLockedValueBox(0)
        return { message in
            guard predicate(message) else { return false }
            return seen.withLockedValue { count in
                count += 1
                return count <= times
            }
        }
    }

    func deliver(_ message: SIPMessage, from side: Int) -> EventLoopFuture<Void> {
        let loop = group.any()
        if dropRule.withLockedValue({ $0 })(message) {
            dropped.withLockedValue { $0 += 1 }
            return loop.makeSucceededVoidFuture()
        }
        guard let parsed = try? SIPParser().parse(message.serialized()) else {
            return loop.makeFailedFuture(SIPTransportError.shutDown)
        }
        let receiver = stacks.withLockedValue { $0[1 - side] }
        let source = try! SocketAddress(ipAddress: "127.0.0.1", port: 5060 + side)
        let context = SIPMessageContext(source: source, transport: .udp, listener: nil, connection: nil, eventLoop: loop)
        loop.execute { receiver.receive(SIPInboundMessage(message: parsed, context: context)) }
        return loop.makeSucceededVoidFuture()
    }

    struct End: SIPMessageTransport {
        let link: LoopbackLink
        let side: Int
        /// Port 5099 stands for a dead server: every send there fails.
        static let deadPort = 5099

        func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
            if message.isRequest { link.requestTransports.withLockedValue { $0.append(target.transport) } }
            if target.address.port == Self.deadPort || (target.transport == .tcp && link.refusesTCP.withLockedValue { $0 }) {
                return link.group.any().makeFailedFuture(SIPTransportError.shutDown)
            }
            return link.deliver(message, from: side)
        }
        func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
            link.deliver(response, from: side)
        }
    }

    /// A UAC-side stack (side 0) and a UAS-side stack (side 1) with `user` as the UAS's TU.
    static func pair(
        t1: Duration = .milliseconds(40), uas user: SIPTransactionUser, drop: @escaping DropRule = { _ in false },
        tcp: Bool = false, uasFilter: SIPInboundFilter? = nil, uasOverload: SIPOverloadGuard.Limits? = nil
    ) -> (uac: SIPStack, uas: SIPStack, link: LoopbackLink) {
        let link = LoopbackLink(group: MultiThreadedEventLoopGroup.singleton, drop: drop)
        let timers = TransactionTimers(t1: t1, t2: t1 * 8, t4: t1 * 10, timerDUnreliable: t1 * 64)
        func configuration(_ port: Int) -> SIPStackConfiguration {
            var sentBy: [SIPTransportProtocol: String] = [.udp: "127.0.0.1:\(port)"]
            if tcp { sentBy[.tcp] = "127.0.0.1:\(port)" }
            return SIPStackConfiguration(sentBy: sentBy, timers: timers, localHosts: ["127.0.0.1"])
        }
        let uac = SIPStack(group: link.group, configuration: configuration(5060), user: SIPTransactionUser(request: { _ in })) { _ in
            End(link: link, side: 0)
        }
        var uasConfiguration = configuration(5061)
        uasConfiguration.inboundFilter = uasFilter
        if let uasOverload {
            // One shard: the pending-INVITE bound is per shard, and every Call-ID lands there.
            uasConfiguration.overload = uasOverload
            uasConfiguration.shardCount = 1
        }
        let uas = SIPStack(group: link.group, configuration: uasConfiguration, user: user) { _ in End(link: link, side: 1) }
        link.stacks.withLockedValue { $0 = [uac, uas] }
        return (uac, uas, link)
    }

    static let target = try! SIPTransportTarget(host: "127.0.0.1", port: 5061, transport: .udp)

    /// A request without Via (the stack adds it).
    static func request(_ method: SIPMethod, uri: String = "sip:service@127.0.0.1:5061", callID: String = SIPMessage.makeTag()) -> SIPMessage {
        var headers = SIPHeaders()
        headers.append(.maxForwards, value: "70")
        headers.append(.from, value: "<sip:alice@127.0.0.1>;tag=\(SIPMessage.makeTag())")
        headers.append(.to, value: "<\(uri)>")
        headers.append(.callID, value: callID)
        headers.append(.cseq, value: "1 \(method.rawValue)")
        headers.append(.contact, value: "<sip:alice@127.0.0.1:5060>")
        return SIPMessage(request: SIPRequestLine(method: method, uri: uri), headers: headers)
    }
}
