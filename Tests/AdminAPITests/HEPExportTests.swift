import AdminAPI
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import Gateway

/// HEP3 copies of the gateway's SIP messages reach a collector socket.
@Suite(.serialized) struct HEPExportTests {
    @Test func everyMessageIsCopiedToTheCollector() async throws {
        let collector = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let port = try #require(collector.channel.localAddress?.port)
        let gateway = try await GatewayHarness.start(extraConfiguration: """
            trace: { calls: 0, hep: { address: 127.0.0.1, port: \(port), agent_id: 77 } }
            """)
        let challenge = try await gateway.exchange { GatewayHarness.register(port: $0, callID: "hep-1@test", cseq: 1) }
        #expect(challenge.statusCode == 401)
        let copies: [[UInt8]] = try await GatewayHarness.withTimeout(.seconds(5)) {
            try await collector.executeThenClose { inbound, _ in
                var copies: [[UInt8]] = []
                for try await envelope in inbound {
                    copies.append(Array(buffer: envelope.data))
                    if copies.count == 2 { break }
                }
                return copies
            }
        }
        #expect(copies.map { String(decoding: $0.prefix(4), as: UTF8.self) } == ["HEP3", "HEP3"])
        let texts = copies.map { String(decoding: $0, as: UTF8.self) }
        #expect(texts[0].contains("REGISTER sip:127.0.0.1 SIP/2.0"))
        #expect(texts[1].contains("SIP/2.0 401"))
        #expect(texts.allSatisfy { $0.contains("hep-1@test") })
        // Capture agent id 77 (chunk 12: vendor 0, type 12, length 10, value big-endian).
        #expect(copies[0].windowContains([0, 0, 0, 12, 0, 10, 0, 0, 0, 77]))
        // The ring is off: nothing to download.
        #expect(try await gateway.admin.send(.get, "/calls/hep-1@test/pcap").status == 404)
        let metrics = try await gateway.admin.send(.get, "/metrics").text
        #expect(metrics.contains("gatehouse_hep_dropped_total 0\n"))
        try await gateway.stop()
    }
}

extension Array where Element == UInt8 {
    func windowContains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}
