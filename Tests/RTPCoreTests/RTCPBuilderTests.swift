import NIOCore
import RTPCore
import Testing

@Suite struct RTCPBuilderTests {
    func decodeAll(_ buffer: ByteBuffer, allowReducedSize: Bool = false) throws -> ([UInt8], [RTCPPacket]) {
        let bytes = Array(buffer.readableBytesView)
        let packets = try withBytes(bytes) { raw in
            var compound = try RTCPCompoundPacket(validating: raw, allowReducedSize: allowReducedSize)
            var packets: [RTCPPacket] = []
            while let header = try compound.next(in: raw) { packets.append(try RTCPPacket(header: header, in: raw)) }
            return packets
        }
        return (bytes, packets)
    }

    @Test func reportSDESAndGoodbyeRoundTrip() throws {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 10)
        for sequence: UInt16 in [10, 11, 12, 14, 15] { _ = statistics.receive(sequenceNumber: sequence) }
        let block = statistics.makeReportBlock(
            ssrc: 0xBEEF, lastSenderReport: RTCPReportBlock.compactNTP(0x1122_3344_5566_7788), delaySinceLastSenderReport: 65536)
        #expect(block.lastSenderReport == 0x3344_5566)
        #expect(block.cumulativeLost == 1)
        #expect(block.fractionLost == 51, "1 of 5 expected (11...15; 10 was probation) is 51/256")
        #expect(block.extendedHighestSequenceNumber == 15)

        var buffer = ByteBuffer()
        try RTCPBuilder.writeSenderReport(
            ssrc: 0xA, ntpTimestamp: 0x1122_3344_5566_7788, rtpTimestamp: 160, packetCount: 5, octetCount: 800,
            reportBlocks: [block], to: &buffer)
        try RTCPBuilder.writeSourceDescription(ssrc: 0xA, canonicalName: Array("gh@10.0.0.1".utf8), to: &buffer)
        try RTCPBuilder.writeGoodbye(sources: [0xA], reason: Array("timeout".utf8), to: &buffer)
        try RTCPBuilder.writeGoodbye(sources: [0xB], to: &buffer)
        #expect(buffer.readableBytes % 4 == 0)

        let (bytes, packets) = try decodeAll(buffer)
        #expect(packets.count == 4)
        guard case .senderReport(let report) = packets[0], case .sourceDescription(let sdes) = packets[1],
            case .goodbye(let bye) = packets[2], case .goodbye(let plainBye) = packets[3]
        else {
            Issue.record("unexpected packets \(packets)")
            return
        }
        #expect(report.ssrc == 0xA && report.ntpTimestamp == 0x1122_3344_5566_7788 && report.rtpTimestamp == 160)
        #expect(report.packetCount == 5 && report.octetCount == 800)
        #expect(withBytes(bytes) { report.reportBlocks.block(at: 0, in: $0) } == block)
        let cname = withBytes(bytes) { raw -> [UInt8]? in
            var chunks = sdes.chunks
            guard let chunk = chunks.next(in: raw) else { return nil }
            return RTCPSourceDescription.item(RTCPSourceDescription.ItemType.canonicalName, in: chunk, bytes: raw)
                .map { slice(bytes, $0.valueRange) }
        }
        #expect(cname == Array("gh@10.0.0.1".utf8))
        #expect(bye.reasonRange.map { slice(bytes, $0) } == Array("timeout".utf8))
        #expect(plainBye.reasonRange == nil && plainBye.sourceCount == 1)
    }

    @Test func feedbackRoundTrip() throws {
        var buffer = ByteBuffer()
        try RTCPBuilder.writeReceiverReport(ssrc: 1, to: &buffer)
        RTCPBuilder.writePictureLossIndication(senderSSRC: 1, mediaSSRC: 2, to: &buffer)
        RTCPBuilder.writeFullIntraRequest(senderSSRC: 1, mediaSSRC: 2, commandSequenceNumber: 9, to: &buffer)
        // 65535 starts an entry; 0, 3 and 15 fit its bitmask; 100 needs a second entry.
        try RTCPBuilder.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [65535, 0, 3, 15, 15, 100], to: &buffer)
        let (bytes, packets) = try decodeAll(buffer)
        guard case .payloadFeedback(let pli) = packets[1], case .payloadFeedback(let fir) = packets[2],
            case .transportFeedback(let nack) = packets[3]
        else {
            Issue.record("unexpected packets \(packets)")
            return
        }
        #expect(pli.message == .pictureLossIndication && pli.mediaSSRC == 2)
        #expect(fir.message == .fullIntraRequest && fir.mediaSSRC == 0)
        #expect(withBytes(bytes) { fir.firEntry(at: 0, in: $0) } == .init(ssrc: 2, sequenceNumber: 9))
        #expect(nack.entryCount == 2)
        var lost: [UInt16] = []
        withBytes(bytes) { raw in
            for index in 0..<nack.entryCount { nack.nackEntry(at: index, in: raw).forEachLostSequenceNumber { lost.append($0) } }
        }
        #expect(lost == [65535, 0, 3, 15, 100])
    }

    @Test func limitsAreTypedErrors() {
        var buffer = ByteBuffer()
        #expect(throws: RTCPBuildError.emptyNACK) { try RTCPBuilder.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [], to: &buffer) }
        #expect(throws: RTCPBuildError.tooManyItems(32)) {
            try RTCPBuilder.writeGoodbye(sources: Array(repeating: 1, count: 32), to: &buffer)
        }
        #expect(throws: RTCPBuildError.textTooLong(256)) {
            try RTCPBuilder.writeSourceDescription(ssrc: 1, canonicalName: [UInt8](repeating: 0x61, count: 256), to: &buffer)
        }
        #expect(buffer.readableBytes == 0)
    }
}
