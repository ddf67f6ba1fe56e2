import NIOCore
import RTPCore
import Testing

/// A relay's view of one direction: leg A's sender 0xA1 is known as 0x0B1 on leg B, and leg B's
/// reports about 0x0A0 (the SSRC the relay used towards B) refer to A's original 0xA1.
struct LegRewriter: RTCPRewriting {
    var calls = 0

    mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? {
        calls += 1
        switch (ssrc, role) {
        case (0xA1, .sender): return 0x0B1
        case (0x0A0, .mediaSource): return 0xA1
        default: return nil
        }
    }

    func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? {
        ssrc == 0xA1 ? timestamp &+ 1000 : nil
    }

    func rewriteExtendedHighestSequenceNumber(_ sequenceNumber: UInt32, ssrc: UInt32) -> UInt32? {
        ssrc == 0x0A0 ? sequenceNumber &- 5 : nil
    }

    func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16? {
        ssrc == 0x0A0 ? packetID &- 5 : nil
    }
}

@Suite struct RTCPRewritingTests {
    typealias P = RTCPTestPackets

    @Test func rewritesEverySSRCFieldAndTheMappedCounters() throws {
        let nackFCI = PacketBytes()
        nackFCI.u16(3).u16(1)
        let firFCI = PacketBytes()
        firFCI.u32(0x0A0).u8(1).u8(0).u16(0)
        let original = P.senderReport(ssrc: 0xA1, rtpTimestamp: 0xFFFF_FF00, blocks: [
            P.reportBlock(ssrc: 0x0A0, fraction: 0, lost: 0, highest: 100, jitter: 0),
            P.reportBlock(ssrc: 0x999, fraction: 0, lost: 0, highest: 100, jitter: 0),
        ])
            + P.sourceDescription(ssrc: 0xA1, cname: "a")
            + P.feedback(type: 205, format: 1, sender: 0xA1, media: 0x0A0, fci: nackFCI.bytes)
            + P.feedback(type: 206, format: 4, sender: 0xA1, media: 0, fci: firFCI.bytes)
            + P.goodbye(ssrcs: [0xA1, 0x777], reason: nil)
        var buffer = ByteBuffer(bytes: original)
        var rewriter = LegRewriter()
        let changed = try buffer.rewriteRTCP(with: &rewriter)
        // SR sender, SR timestamp, block SSRC, block seq, SDES, NACK sender, NACK media,
        // NACK PID, FIR sender, FIR entry, BYE first source.
        #expect(changed == 11)
        #expect(buffer.readableBytes == original.count)

        let bytes = Array(buffer.readableBytesView)
        try withBytes(bytes) { raw in
            var compound = try RTCPCompoundPacket(validating: raw)
            var packets: [RTCPPacket] = []
            while let header = try compound.next(in: raw) { packets.append(try RTCPPacket(header: header, in: raw)) }
            guard case .senderReport(let report) = packets[0], case .sourceDescription(let sdes) = packets[1],
                case .transportFeedback(let nack) = packets[2], case .payloadFeedback(let fir) = packets[3],
                case .goodbye(let bye) = packets[4]
            else {
                Issue.record("types changed: \(packets)")
                return
            }
            #expect(report.ssrc == 0x0B1)
            #expect(report.rtpTimestamp == 0xFFFF_FF00 &+ 1000)
            #expect(report.reportBlocks.block(at: 0, in: raw).ssrc == 0xA1)
            #expect(report.reportBlocks.block(at: 0, in: raw).extendedHighestSequenceNumber == 95)
            #expect(report.reportBlocks.block(at: 1, in: raw).ssrc == 0x999)
            #expect(report.reportBlocks.block(at: 1, in: raw).extendedHighestSequenceNumber == 100)
            var chunks = sdes.chunks
            #expect(chunks.next(in: raw)?.ssrc == 0x0B1)
            #expect(nack.senderSSRC == 0x0B1 && nack.mediaSSRC == 0xA1)
            #expect(nack.nackEntry(at: 0, in: raw) == .init(packetID: 65534, lostBitmask: 1))
            #expect(fir.senderSSRC == 0x0B1 && fir.firEntry(at: 0, in: raw).ssrc == 0xA1)
            #expect(bye.source(at: 0, in: raw) == 0x0B1 && bye.source(at: 1, in: raw) == 0x777)
        }
    }

    @Test func malformedCompoundIsLeftUntouched() {
        // A valid SR followed by a BYE whose source count runs past its end.
        let original = P.senderReport(ssrc: 0xA1, rtpTimestamp: 1, blocks: [])
            + P.packet(count: 2, type: 203, body: PacketBytes().u32(0xA1).bytes)
        var buffer = ByteBuffer(bytes: original)
        var rewriter = LegRewriter()
        #expect(throws: RTCPParseError.tooShort(offset: 28, needed: 12, available: 8)) {
            try buffer.rewriteRTCP(with: &rewriter)
        }
        #expect(Array(buffer.readableBytesView) == original)
        #expect(rewriter.calls == 0)
    }
}
