import Testing
@testable import SIPTrace

/// Checksum status fields in tshark: 0 bad, 1 good, 2 unverified.
@Suite struct PcapWriterTests {
    let gatewayV4 = TraceEndpoint(ipv4: 198, 51, 100, 1, port: 5060)
    let callerV4 = TraceEndpoint(ipv4: 192, 0, 2, 10, port: 5062)

    func buffer(local: TraceEndpoint, remote: TraceEndpoint, transport: TraceTransport) -> CallTraceBuffer {
        let buffer = CallTraceBuffer()
        for (index, (direction, message)) in CallFixture.exchange().enumerated() {
            let outcome = buffer.record(direction: direction, message: message, local: local, remote: remote,
                                        transport: transport, time: CallFixture.time(UInt64(index) * 100))
            #expect(outcome == .recorded)
        }
        return buffer
    }

    static let expectedRows = [
        ["INVITE", "", CallFixture.callID], ["", "180", CallFixture.callID], ["", "200", CallFixture.callID],
        ["ACK", "", CallFixture.callID], ["BYE", "", CallFixture.callID], ["", "200", CallFixture.callID],
    ]

    @Test func udpIPv4CallReadsBackInTshark() throws {
        let pcap = try #require(buffer(local: gatewayV4, remote: callerV4, transport: .udp).pcap(for: CallFixture.callID))
        let rows = try TsharkReader.fields(of: pcap, ["sip.Method", "sip.Status-Code", "sip.Call-ID"])
        #expect(rows == Self.expectedRows)
        let addressing = try TsharkReader.fields(of: pcap, ["ip.src", "udp.srcport", "ip.dst", "udp.dstport", "ip.checksum.status", "udp.checksum.status", "frame.time_epoch"],
                                                 extraArguments: ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"])
        #expect(addressing.count == 6)
        #expect(addressing.first.map { Array($0.prefix(6)) } == ["192.0.2.10", "5062", "198.51.100.1", "5060", "1", "1"])
        #expect(addressing.dropFirst().first.map { Array($0.prefix(4)) } == ["198.51.100.1", "5060", "192.0.2.10", "5062"])
        #expect(addressing.last?.last?.hasPrefix("1790000000.500000") == true)
    }

    @Test func udpIPv6CallReadsBackInTshark() throws {
        let gateway = try #require(TraceEndpoint(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1], port: 5060))
        let caller = try #require(TraceEndpoint(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x10], port: 5070))
        let pcap = try #require(buffer(local: gateway, remote: caller, transport: .udp).pcap(for: CallFixture.callID))
        let rows = try TsharkReader.fields(of: pcap, ["sip.Method", "sip.Status-Code", "sip.Call-ID"])
        #expect(rows == Self.expectedRows)
        let addressing = try TsharkReader.fields(of: pcap, ["ipv6.src", "udp.srcport", "ipv6.dst", "udp.checksum.status"],
                                                 extraArguments: ["-o", "udp.check_checksum:TRUE"])
        #expect(addressing.first == ["2001:db8::10", "5070", "2001:db8::1", "1"])
    }

    @Test func tcpCallReadsBackInTshark() throws {
        let pcap = try #require(buffer(local: gatewayV4, remote: callerV4, transport: .tcp).pcap(for: CallFixture.callID))
        let rows = try TsharkReader.fields(of: pcap, ["sip.Method", "sip.Status-Code", "sip.Call-ID"])
        #expect(rows == Self.expectedRows)
        let tcp = try TsharkReader.fields(of: pcap, ["tcp.seq_raw", "tcp.ack_raw", "tcp.checksum.status", "_ws.expert"],
                                          extraArguments: ["-o", "tcp.check_checksum:TRUE"])
        let first = CallFixture.exchange()[0].1.count
        #expect(tcp.first.map { Array($0.prefix(3)) } == ["1", "1", "1"])
        #expect(tcp.dropFirst().first.map { Array($0.prefix(3)) } == ["1", String(1 + first), "1"])
    }

    @Test func rtpTravelsOnTheSameUDPPath() throws {
        let buffer = buffer(local: gatewayV4, remote: callerV4, transport: .udp)
        let mediaLocal = TraceEndpoint(ipv4: 198, 51, 100, 1, port: 30000)
        let mediaRemote = TraceEndpoint(ipv4: 192, 0, 2, 10, port: 40000)
        var rtp: [UInt8] = [0x80, 0x00, 0x00, 0x07, 0, 0, 0x03, 0x20, 0x12, 0x34, 0x56, 0x78]
        rtp += [UInt8](repeating: 0xFF, count: 160)
        #expect(buffer.recordRTP(callID: CallFixture.callID, direction: .inbound, packet: rtp, local: mediaLocal, remote: mediaRemote, time: CallFixture.time(250)) == .recorded)
        let pcap = try #require(buffer.pcap(for: CallFixture.callID))
        let rows = try TsharkReader.fields(of: pcap, ["rtp.seq", "rtp.ssrc", "udp.dstport"], extraArguments: ["-d", "udp.port==40000,rtp"])
        #expect(rows.filter { $0.first != "" } == [["7", "0x12345678", "30000"]])
    }

    @Test func headerChecksumMatchesRFC1071Example() {
        // RFC 1071 §3 example bytes sum to 0xDDF2 before complement.
        let sum = PcapWriter.internetChecksum([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7][...])
        #expect(sum == ~UInt16(0xDDF2))
    }

    @Test func oversizedUDPPayloadThrows() {
        var writer = PcapWriter()
        #expect(throws: PcapWriter.Error.udpPayloadTooLarge(70_000)) {
            try writer.append(payload: [UInt8](repeating: 0, count: 70_000), from: callerV4, to: gatewayV4, transport: .udp, time: CallFixture.time(0))
        }
        #expect(writer.bytes.count == 24)
    }
}
