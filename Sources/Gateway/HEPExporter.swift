import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SIPTrace

/// Sends a HEP3 copy of every traced SIP message to a Homer collector over UDP. The transport
/// only queues (bounded: past `queueLimit` the oldest queued copies are dropped and counted);
/// ``HEPExportService`` encodes and sends.
@available(macOS 15.0, *)
final class HEPExporter: Sendable {
    /// One message to copy.
    struct Packet: Sendable {
        var payload: [UInt8]
        var source: TraceEndpoint
        var destination: TraceEndpoint
        var transport: TraceTransport
        var time: TraceTimestamp
    }

    /// Copies queued before the oldest are dropped.
    static let queueLimit = 4096

    let collector: GatewayConfiguration.HEPCollector
    let encoder: HEP3Encoder
    let packets: AsyncStream<Packet>
    private let continuation: AsyncStream<Packet>.Continuation
    private let dropped: CoreMetrics.Counter

    init(collector: GatewayConfiguration.HEPCollector, password: String?, factory: any MetricsFactory) {
        self.collector = collector
        encoder = HEP3Encoder(captureAgentID: collector.agentID, authenticationKey: password)
        (packets, continuation) = AsyncStream.makeStream(of: Packet.self, bufferingPolicy: .bufferingNewest(Self.queueLimit))
        dropped = Counter(label: "gatehouse_hep_dropped_total", factory: factory)
        dropped.increment(by: 0)
    }

    /// Queues a copy; never blocks the caller.
    func export(_ packet: Packet) {
        if case .dropped = continuation.yield(packet) { dropped.increment() }
    }

    /// No more copies: the service sends what is queued and stops.
    func finish() { continuation.finish() }
}

/// Owns the UDP socket toward the collector. First in the service group, so it stops last and
/// still copies the messages sent while the others shut down.
@available(macOS 15.0, *)
struct HEPExportService: Service, CustomStringConvertible {
    let exporter: HEPExporter
    let logger: Logger
    var description: String { "HEPExportService" }

    func run() async throws {
        let collector = exporter.collector
        let target = try SocketAddress.makeAddressResolvingHost(collector.address, port: collector.port)
        let bindHost = target.protocol == .inet6 ? "::" : "0.0.0.0"
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: bindHost, port: 0).get()
        logger.notice("HEP3 copies to \(collector.address):\(collector.port), agent \(collector.agentID)")
        await withGracefulShutdownHandler {
            for await packet in exporter.packets {
                guard let message = try? exporter.encoder.encode(
                    payload: packet.payload, from: packet.source, to: packet.destination, transport: packet.transport,
                    time: packet.time, correlationID: CallIDScanner.callID(in: packet.payload)) else { continue }
                // UDP to a collector is best effort: a failed send is not retried.
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: message)), promise: nil)
            }
        } onGracefulShutdown: {
            exporter.finish()
        }
        try? await channel.close()
    }
}
