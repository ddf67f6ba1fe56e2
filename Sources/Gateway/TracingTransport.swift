import Logging
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
/// At log level debug every message is also logged, with credentials masked (``SIPLogMasking``).
@available(macOS 15.0, *)
struct TracingTransport: SIPMessageTransport {
    let base: SIPTransportManager
    let trace: CallTraceBuffer?
    let hep: HEPExporter?
    let filter: TraceFilter
    let logger: Logger

    func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        Self.log(message, direction: .outbound, remote: target.address, transport: target.transport, logger: logger)
        // Serialized once, straight into the buffer sent: the bytes recorded are the bytes sent.
        guard let bytes = Self.record(message, direction: .outbound, local: base.firstListener(of: target.transport)?.localAddress,
                                      remote: target.address, transport: target.transport, trace: trace, hep: hep, filter: filter)
        else { return base.send(message, to: target) }
        return base.send(bytes: bytes, to: target)
    }

    func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
        Self.log(response, direction: .outbound, remote: context.source, transport: context.transport, logger: logger)
        let bytes = Self.record(response, direction: .outbound,
                                local: context.listener?.localAddress ?? base.firstListener(of: context.transport)?.localAddress,
                                remote: context.source, transport: context.transport, trace: trace, hep: hep, filter: filter)
        return base.sendResponse(response, serializedBuffer: bytes, for: context)
    }

    /// Records an inbound message (call it from the transport's `onInbound`).
    static func recordInbound(_ inbound: SIPInboundMessage, trace: CallTraceBuffer?, hep: HEPExporter?, filter: TraceFilter,
                              logger: Logger) {
        let context = inbound.context
        log(inbound.message, direction: .inbound, remote: context.source, transport: context.transport, logger: logger)
        record(inbound.message, direction: .inbound, local: context.listener?.localAddress, remote: context.source,
               transport: context.transport, trace: trace, hep: hep, filter: filter)
    }

    /// Logs the whole message at debug, masked; nothing is serialized at higher levels.
    static func log(_ message: SIPMessage, direction: TraceDirection, remote: SocketAddress, transport: SIPTransportProtocol,
                    logger: Logger) {
        guard logger.logLevel <= .debug else { return }
        let text = SIPLogMasking.masked(String(decoding: message.serialized(), as: UTF8.self))
        logger.debug("SIP \(direction == .inbound ? "received from" : "sent to") \(remote)\n\(text)", metadata: [
            "callID": "\(message.callID ?? "-")", "transport": "\(transport)",
        ])
    }

    /// Records `message`; returns its serialized bytes when it was recorded (nil when not traced).
    @discardableResult
    static func record(_ message: SIPMessage, direction: TraceDirection, local: @autoclosure () -> SocketAddress?, remote: SocketAddress,
                       transport: SIPTransportProtocol, trace: CallTraceBuffer?, hep: HEPExporter?, filter: TraceFilter) -> ByteBuffer? {
        guard trace != nil || hep != nil, filter.keeps(message), let remoteEndpoint = TraceEndpoint(remote) else { return nil }
        // Without a listener of that transport (an outbound-only flow) the local end is unknown: 0.0.0.0:0.
        let localEndpoint = local().flatMap(TraceEndpoint.init) ?? TraceEndpoint(ipv4: 0, 0, 0, 0, port: 0)
        var bytes = ByteBuffer()
        message.write(into: &bytes)
        let time = TraceTimestamp.now()
        let traceTransport: TraceTransport = transport == .udp ? .udp : .tcp
        if let trace {
            let callID = traceCallID(of: message, serializedCount: bytes.readableBytes)
            bytes.withUnsafeReadableBytes { raw in
                _ = trace.record(direction: direction, messageBytes: raw, local: localEndpoint, remote: remoteEndpoint,
                                 transport: traceTransport, time: time, callID: callID)
            }
        }
        let (source, destination) = direction == .inbound ? (remoteEndpoint, localEndpoint) : (localEndpoint, remoteEndpoint)
        hep?.export(HEPExporter.Packet(payload: Array(bytes.readableBytesView), source: source, destination: destination,
                                       transport: traceTransport, time: time))
        return bytes
    }
}

extension TracingTransport {
    /// The Call-ID the trace buffer files `message` under: the parsed one, the same value
    /// ``CallIDScanner`` finds in the serialized bytes, so they are not scanned again. Nil (the
    /// buffer scans) where the two could differ: a value the scanner refuses (empty, longer than
    /// its limit), one past the scanned prefix, or one holding whitespace (a folded header,
    /// whose first line alone the scanner reads).
    static func traceCallID(of message: SIPMessage, serializedCount: Int) -> String? {
        guard serializedCount <= CallIDScanner.maxScannedBytes, let value = message.callIDBytes, !value.isEmpty,
              value.count <= CallIDScanner.maxCallIDLength,
              !value.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") })
        else { return nil }
        return String(decoding: value, as: UTF8.self)
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
