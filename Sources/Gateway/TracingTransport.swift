import NIOCore
import SIPCore
import SIPStack
import SIPTrace
import SIPTransport

/// Puts every SIP message the gateway receives or sends into the call trace buffer (keyed by
/// Call-ID), for `GET /calls/{id}/pcap` and `gatehouse trace`, and queues a HEP3 copy when a
/// collector is configured. Sits between the stack and the
/// transport manager: sends pass through it, inbound messages are recorded before the stack
/// sees them. The bytes recorded are the message as serialized, the same as on the wire.
@available(macOS 15.0, *)
struct TracingTransport: SIPMessageTransport {
    let base: SIPTransportManager
    let trace: CallTraceBuffer?
    let hep: HEPExporter?
    let filter: TraceFilter

    func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        let local = base.listeners.first { $0.transport == target.transport }?.localAddress
        Self.record(message, direction: .outbound, local: local, remote: target.address, transport: target.transport, trace: trace, hep: hep, filter: filter)
        return base.send(message, to: target)
    }

    func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
        let local = context.listener?.localAddress ?? base.listeners.first { $0.transport == context.transport }?.localAddress
        Self.record(response, direction: .outbound, local: local, remote: context.source, transport: context.transport, trace: trace, hep: hep, filter: filter)
        return base.sendResponse(response, for: context)
    }

    /// Records an inbound message (call it from the transport's `onInbound`).
    static func recordInbound(_ inbound: SIPInboundMessage, trace: CallTraceBuffer?, hep: HEPExporter?, filter: TraceFilter) {
        let context = inbound.context
        record(inbound.message, direction: .inbound, local: context.listener?.localAddress, remote: context.source,
               transport: context.transport, trace: trace, hep: hep, filter: filter)
    }

    static func record(_ message: SIPMessage, direction: TraceDirection, local: SocketAddress?, remote: SocketAddress,
                       transport: SIPTransportProtocol, trace: CallTraceBuffer?, hep: HEPExporter?, filter: TraceFilter) {
        guard trace != nil || hep != nil, filter.keeps(message), let remoteEndpoint = TraceEndpoint(remote) else { return }
        // Without a listener of that transport (an outbound-only flow) the local end is unknown: 0.0.0.0:0.
        let localEndpoint = local.flatMap(TraceEndpoint.init) ?? TraceEndpoint(ipv4: 0, 0, 0, 0, port: 0)
        let bytes = message.serialized(), time = TraceTimestamp.now()
        let traceTransport: TraceTransport = transport == .udp ? .udp : .tcp
        trace?.record(direction: direction, message: bytes, local: localEndpoint, remote: remoteEndpoint,
                      transport: traceTransport, time: time)
        let (source, destination) = direction == .inbound ? (remoteEndpoint, localEndpoint) : (localEndpoint, remoteEndpoint)
        hep?.export(HEPExporter.Packet(payload: bytes, source: source, destination: destination, transport: traceTransport, time: time))
    }
}

/// Which messages are traced.
struct TraceFilter: Sendable {
    /// Whether OPTIONS requests and their responses are kept.
    var options: Bool

    func keeps(_ message: SIPMessage) -> Bool {
        if options { return true }
        if let method = message.method { return method != .options }
        return (try? message.cseq)?.method != "OPTIONS"
    }
}
