import Testing
@testable import SIPTrace

@Suite struct HEP3EncoderTests {
    /// Golden bytes written by hand from the HEP3 specification's chunk table.
    @Test func ipv4SIPMessageMatchesGoldenBytes() throws {
        let encoder = HEP3Encoder(captureAgentID: 0x0102_0304)
        let bytes = try encoder.encode(
            payload: Array("SIP".utf8),
            from: TraceEndpoint(ipv4: 192, 0, 2, 10, port: 5062), to: TraceEndpoint(ipv4: 198, 51, 100, 1, port: 5060),
            transport: .udp, time: TraceTimestamp(microsecondsSinceEpoch: 1_700_000_000_123_456), correlationID: "c1")
        let golden: [UInt8] = [
            0x48, 0x45, 0x50, 0x33, 0x00, 0x6E, // "HEP3", total 110
            0, 0, 0, 1, 0, 7, 2, // family IPv4
            0, 0, 0, 2, 0, 7, 17, // UDP
            0, 0, 0, 3, 0, 10, 192, 0, 2, 10, // IPv4 source
            0, 0, 0, 4, 0, 10, 198, 51, 100, 1, // IPv4 destination
            0, 0, 0, 7, 0, 8, 0x13, 0xC6, // source port 5062
            0, 0, 0, 8, 0, 8, 0x13, 0xC4, // destination port 5060
            0, 0, 0, 9, 0, 10, 0x65, 0x53, 0xF1, 0x00, // seconds 1700000000
            0, 0, 0, 10, 0, 10, 0x00, 0x01, 0xE2, 0x40, // microseconds 123456
            0, 0, 0, 11, 0, 7, 1, // protocol type SIP
            0, 0, 0, 12, 0, 10, 1, 2, 3, 4, // capture agent id
            0, 0, 0, 17, 0, 8, 0x63, 0x31, // correlation id "c1"
            0, 0, 0, 15, 0, 9, 0x53, 0x49, 0x50, // payload "SIP"
        ]
        #expect(golden.count == 0x6E)
        #expect(bytes == golden)
    }

    @Test func ipv6UsesTheIPv6ChunksAndAuthKey() throws {
        let v6 = try #require(TraceEndpoint(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12), port: 1))
        let bytes = try HEP3Encoder(captureAgentID: 7, authenticationKey: "k").encode(
            payload: [], from: v6, to: TraceEndpoint(ipv4: 10, 0, 0, 1, port: 2), transport: .tcp, time: TraceTimestamp(microsecondsSinceEpoch: 0))
        #expect(Array(bytes[6..<13]) == [0, 0, 0, 1, 0, 7, 10])
        #expect(Array(bytes[13..<20]) == [0, 0, 0, 2, 0, 7, 6])
        #expect(Array(bytes[20..<26]) == [0, 0, 0, 5, 0, 22])
        // The IPv4 destination is carried IPv4-mapped.
        #expect(Array(bytes[42..<48]) == [0, 0, 0, 6, 0, 22])
        #expect(Array(bytes[56..<64]) == [0, 0, 0xFF, 0xFF, 10, 0, 0, 1])
        #expect(bytes.count == Int(bytes[4]) << 8 | Int(bytes[5]))
        #expect(bytes.suffix(13) == [0, 0, 0, 14, 0, 7, 0x6B, 0, 0, 0, 15, 0, 6])
    }

    @Test func oversizedPayloadThrows() {
        let end = TraceEndpoint(ipv4: 10, 0, 0, 1, port: 2)
        #expect(throws: HEP3Encoder.Error.self) {
            try HEP3Encoder(captureAgentID: 1).encode(payload: [UInt8](repeating: 0, count: 65_500), from: end, to: end, transport: .udp, time: TraceTimestamp(microsecondsSinceEpoch: 0))
        }
    }
}
