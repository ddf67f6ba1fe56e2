import RTPCore
import Testing

@Suite struct RTCPCompoundPacketTests {
    typealias P = RTCPTestPackets

    func decodeAll(_ bytes: [UInt8], allowReducedSize: Bool = false) throws -> [RTCPPacket] {
        try withBytes(bytes) { raw in
            var compound = try RTCPCompoundPacket(validating: raw, allowReducedSize: allowReducedSize)
            var packets: [RTCPPacket] = []
            while let header = try compound.next(in: raw) {
                packets.append(try RTCPPacket(header: header, in: raw))
            }
            #expect(packets.count == compound.packetCount)
            return packets
        }
    }

    @Test func senderReportSDESAndGoodbye() throws {
        let block = P.reportBlock(ssrc: 0xBBBB_0001, fraction: 25, lost: -3, highest: 0x0001_0005, jitter: 42)
        let bytes = P.senderReport(ssrc: 0xAAAA_0001, rtpTimestamp: 0x1234_5678, blocks: [block])
            + P.sourceDescription(ssrc: 0xAAAA_0001, cname: "door@gatehouse")
            + P.goodbye(ssrcs: [0xAAAA_0001], reason: "hangup")
        let packets = try decodeAll(bytes)
        #expect(packets.count == 3)

        guard case .senderReport(let report) = packets[0] else {
            Issue.record("first packet is \(packets[0])")
            return
        }
        #expect(report.ssrc == 0xAAAA_0001)
        #expect(report.ntpTimestamp == 0xE000_0000_8000_0000)
        #expect(report.rtpTimestamp == 0x1234_5678)
        #expect(report.packetCount == 1000 && report.octetCount == 160_000)
        #expect(report.reportBlocks.count == 1)
        let parsedBlock = withBytes(bytes) { report.reportBlocks.block(at: 0, in: $0) }
        #expect(parsedBlock == RTCPReportBlock(
            ssrc: 0xBBBB_0001, fractionLost: 25, cumulativeLost: -3, extendedHighestSequenceNumber: 0x0001_0005,
            jitter: 42, lastSenderReport: 0x1111_2222, delaySinceLastSenderReport: 0x8000))

        guard case .sourceDescription(let description) = packets[1] else {
            Issue.record("second packet is \(packets[1])")
            return
        }
        let cname: [UInt8]? = withBytes(bytes) { raw in
            var chunks = description.chunks
            guard let chunk = chunks.next(in: raw) else { return nil }
            #expect(chunk.ssrc == 0xAAAA_0001)
            #expect(chunks.next(in: raw) == nil)
            return RTCPSourceDescription.item(RTCPSourceDescription.ItemType.canonicalName, in: chunk, bytes: raw)
                .map { slice(bytes, $0.valueRange) }
        }
        #expect(cname == Array("door@gatehouse".utf8))

        guard case .goodbye(let goodbye) = packets[2] else {
            Issue.record("third packet is \(packets[2])")
            return
        }
        #expect(goodbye.sourceCount == 1)
        #expect(withBytes(bytes) { goodbye.source(at: 0, in: $0) } == 0xAAAA_0001)
        #expect(goodbye.reasonRange.map { slice(bytes, $0) } == Array("hangup".utf8))
    }

    @Test func receiverReportWithFeedback() throws {
        let nackFCI = PacketBytes()
        nackFCI.u16(65530).u16(0b1000_0000_0000_0101)
        let firFCI = PacketBytes()
        firFCI.u32(0xCAFE_0001).u8(7).u8(0).u16(0)
        let bytes = P.receiverReport(ssrc: 0x1, blocks: [])
            + P.feedback(type: 205, format: 1, sender: 0x1, media: 0xCAFE_0001, fci: nackFCI.bytes)
            + P.feedback(type: 206, format: 1, sender: 0x1, media: 0xCAFE_0001, fci: [])
            + P.feedback(type: 206, format: 4, sender: 0x1, media: 0, fci: firFCI.bytes)
            + P.packet(count: 3, type: 204, body: PacketBytes().u32(0x1).append(Array("GHSE".utf8)).u32(99).bytes)
            + P.packet(count: 0, type: 207, body: PacketBytes().u32(0x1).bytes)
        let packets = try decodeAll(bytes)
        #expect(packets.count == 6)
        guard case .receiverReport(let report) = packets[0], case .transportFeedback(let nack) = packets[1],
            case .payloadFeedback(let pli) = packets[2], case .payloadFeedback(let fir) = packets[3],
            case .application(let app) = packets[4], case .other(let xr) = packets[5]
        else {
            Issue.record("unexpected packet types \(packets)")
            return
        }
        #expect(report.ssrc == 1 && report.reportBlocks.count == 0)
        #expect(nack.message == .genericNACK && nack.mediaSSRC == 0xCAFE_0001 && nack.entryCount == 1)
        var lost: [UInt16] = []
        withBytes(bytes) { nack.nackEntry(at: 0, in: $0) }.forEachLostSequenceNumber { lost.append($0) }
        #expect(lost == [65530, 65531, 65533, 10])
        #expect(pli.message == .pictureLossIndication && pli.mediaSSRC == 0xCAFE_0001)
        #expect(fir.message == .fullIntraRequest && fir.entryCount == 1)
        #expect(withBytes(bytes) { fir.firEntry(at: 0, in: $0) } == .init(ssrc: 0xCAFE_0001, sequenceNumber: 7))
        #expect(app.subtype == 3 && app.ssrc == 1 && app.name == 0x4748_5345 && app.dataRange.count == 4)
        #expect(xr.packetType == 207)
    }

    @Test func reducedSizeFeedbackNeedsPermission() throws {
        let bytes = P.feedback(type: 206, format: 1, sender: 0x1, media: 0x2, fci: [])
        #expect(throws: RTCPParseError.firstPacketNotReport(packetType: 206)) { try decodeAll(bytes) }
        #expect(try decodeAll(bytes, allowReducedSize: true).count == 1)
    }

    @Test func paddingOnLastPacket() throws {
        // RR with 4 octets of padding (count octet included) on the last packet.
        let body = PacketBytes()
        body.u32(0x77).append([0, 0, 0, 4])
        let bytes = P.packet(count: 0, type: 201, body: body.bytes, padding: true)
        let packets = try decodeAll(bytes)
        guard case .receiverReport(let report) = packets.first else {
            Issue.record("not an RR")
            return
        }
        #expect(report.header.paddingLength == 4)
        #expect(report.header.bodyRange.count == 4)
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var error: RTCPParseError
        var testDescription: String { name }
    }

    static let rr = P.receiverReport(ssrc: 0x1, blocks: [])

    static let malformed: [Malformed] = [
        Malformed(name: "empty", bytes: [], error: .tooShort(offset: 0, needed: 4, available: 0)),
        Malformed(name: "three octets", bytes: [0x80, 201, 0], error: .tooShort(offset: 0, needed: 4, available: 3)),
        Malformed(name: "version 1", bytes: [0x40] + rr.dropFirst(), error: .unsupportedVersion(1, offset: 0)),
        Malformed(
            name: "version 0 in second packet", bytes: rr + [0x00] + rr.dropFirst(), error: .unsupportedVersion(0, offset: 8)),
        Malformed(
            name: "length past end", bytes: [0x80, 201, 0, 5, 0, 0, 0, 1],
            error: .lengthPastEnd(offset: 0, declaredLength: 24, available: 8)),
        Malformed(
            name: "trailing garbage", bytes: rr + [0x80, 201],
            error: .tooShort(offset: 8, needed: 4, available: 2)),
        Malformed(
            name: "padding on a packet that is not last",
            bytes: P.packet(count: 0, type: 201, body: PacketBytes().u32(1).append([0, 0, 0, 4]).bytes, padding: true) + rr,
            error: .paddingNotLast(offset: 0)),
        Malformed(
            name: "padding count 0", bytes: P.packet(count: 0, type: 201, body: PacketBytes().u32(1).append([0, 0, 0, 0]).bytes, padding: true),
            error: .invalidPadding(offset: 0, paddingLength: 0)),
        Malformed(
            name: "padding larger than body", bytes: P.packet(count: 0, type: 201, body: PacketBytes().u32(1).append([0, 0, 0, 9]).bytes, padding: true),
            error: .invalidPadding(offset: 0, paddingLength: 9)),
        Malformed(
            name: "first packet SDES", bytes: P.sourceDescription(ssrc: 1, cname: "x"),
            error: .firstPacketNotReport(packetType: 202)),
        Malformed(
            name: "report count past end", bytes: P.packet(count: 2, type: 201, body: PacketBytes().u32(1).bytes + P.reportBlock(ssrc: 2, fraction: 0, lost: 0, highest: 0, jitter: 0)),
            error: .tooShort(offset: 0, needed: 56, available: 32)),
        Malformed(
            name: "SR shorter than sender info", bytes: P.packet(count: 0, type: 200, body: PacketBytes().u32(1).u32(2).bytes),
            error: .tooShort(offset: 0, needed: 28, available: 12)),
        Malformed(
            name: "SDES item past end", bytes: rr + P.packet(count: 1, type: 202, body: PacketBytes().u32(1).append([1, 9, 0x61, 0]).bytes),
            error: .invalidSourceDescription(offset: 12)),
        Malformed(
            name: "SDES without null terminator", bytes: rr + P.packet(count: 1, type: 202, body: PacketBytes().u32(1).append([1, 2, 0x61, 0x62]).bytes),
            error: .invalidSourceDescription(offset: 12)),
        Malformed(
            name: "SDES count past chunks", bytes: rr + P.packet(count: 2, type: 202, body: PacketBytes().u32(1).append([0, 0, 0, 0]).bytes),
            error: .invalidSourceDescription(offset: 20)),
        Malformed(
            name: "BYE reason past end", bytes: rr + P.packet(count: 1, type: 203, body: PacketBytes().u32(1).append([40, 0x61, 0x62, 0x63]).bytes),
            error: .invalidGoodbyeReason(offset: 8)),
        Malformed(
            name: "BYE source count past end", bytes: rr + P.packet(count: 3, type: 203, body: PacketBytes().u32(1).bytes),
            error: .tooShort(offset: 8, needed: 16, available: 8)),
        Malformed(
            name: "PLI with FCI", bytes: rr + P.feedback(type: 206, format: 1, sender: 1, media: 2, fci: [0, 0, 0, 0]),
            error: .invalidFeedback(offset: 8, format: 1, fciLength: 4)),
        Malformed(
            name: "NACK without entries", bytes: rr + P.feedback(type: 205, format: 1, sender: 1, media: 2, fci: []),
            error: .invalidFeedback(offset: 8, format: 1, fciLength: 0)),
        Malformed(
            name: "FIR entry cut in half", bytes: rr + P.feedback(type: 206, format: 4, sender: 1, media: 0, fci: [0, 0, 0, 1]),
            error: .invalidFeedback(offset: 8, format: 4, fciLength: 4)),
        Malformed(
            name: "feedback without media SSRC", bytes: rr + P.packet(count: 1, type: 206, body: PacketBytes().u32(1).bytes),
            error: .tooShort(offset: 8, needed: 12, available: 8)),
        Malformed(
            name: "APP without name", bytes: rr + P.packet(count: 0, type: 204, body: PacketBytes().u32(1).bytes),
            error: .tooShort(offset: 8, needed: 12, available: 8)),
        Malformed(
            name: "too many packets", bytes: Array([[UInt8]](repeating: rr, count: 65).joined()),
            error: .tooManyPackets(limit: 64)),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedCompounds(_ bad: Malformed) {
        #expect(throws: bad.error) { try self.decodeAll(bad.bytes) }
    }

    @Test func everyTruncationIsATypedError() {
        let parts = [
            P.senderReport(ssrc: 1, rtpTimestamp: 2, blocks: [P.reportBlock(ssrc: 3, fraction: 0, lost: 0, highest: 0, jitter: 0)]),
            P.sourceDescription(ssrc: 1, cname: "abc"), P.goodbye(ssrcs: [1], reason: "x"),
        ]
        let bytes = parts.flatMap { $0 }
        // Cutting between packets leaves a valid, shorter compound; every other cut must fail.
        let boundaries = Set([parts[0].count, parts[0].count + parts[1].count])
        for length in 0..<bytes.count where !boundaries.contains(length) {
            let prefix = Array(bytes.prefix(length))
            #expect(throws: RTCPParseError.self, "cut at \(length)") { try self.decodeAll(prefix) }
        }
        for length in boundaries {
            #expect(throws: Never.self) { try self.decodeAll(Array(bytes.prefix(length))) }
        }
    }
}
