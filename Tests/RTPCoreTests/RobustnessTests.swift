import NIOCore
import RTPCore
import Testing

/// A seeded xorshift generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// Rewrites every field it is offered, to drive every write path.
struct RewriteEverything: RTCPRewriting {
    mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? { ~ssrc }
    mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? { timestamp &+ 1 }
    mutating func rewriteExtendedHighestSequenceNumber(_ sequenceNumber: UInt32, ssrc: UInt32) -> UInt32? { sequenceNumber &+ 1 }
    mutating func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16? { packetID &+ 1 }
}

/// Random and mutated datagrams through every parser: each one either parses to offsets
/// inside the datagram or fails with a typed error; nothing traps.
@Suite struct RobustnessTests {
    static let seeds: [UInt64] = [0x9E37_79B9_7F4A_7C15, 42, 0xDEAD_BEEF]

    func exercise(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = MediaPacketKind(classifying: raw)
            if let header = try? RTPHeader(parsing: raw) {
                #expect(header.payloadRange.upperBound + header.paddingLength == raw.count)
                #expect(header.payloadRange.lowerBound >= RTPHeader.fixedHeaderLength)
                if var elements = header.extensionElements {
                    while let element = try? elements.next(in: raw) {
                        #expect(element.dataRange.upperBound <= raw.count)
                    }
                }
            }
            for allowReducedSize in [false, true] {
                guard var compound = try? RTCPCompoundPacket(validating: raw, allowReducedSize: allowReducedSize) else { continue }
                while let header = try? compound.next(in: raw) {
                    #expect(header.range.upperBound <= raw.count)
                    guard let packet = try? RTCPPacket(header: header, in: raw) else { continue }
                    switch packet {
                    case .senderReport(let report):
                        for index in 0..<report.reportBlocks.count { _ = report.reportBlocks.block(at: index, in: raw) }
                    case .receiverReport(let report):
                        for index in 0..<report.reportBlocks.count { _ = report.reportBlocks.block(at: index, in: raw) }
                    case .sourceDescription(let description):
                        var chunks = description.chunks
                        while let chunk = chunks.next(in: raw) {
                            _ = RTCPSourceDescription.item(RTCPSourceDescription.ItemType.canonicalName, in: chunk, bytes: raw)
                        }
                    case .goodbye(let goodbye):
                        for index in 0..<goodbye.sourceCount { _ = goodbye.source(at: index, in: raw) }
                    case .transportFeedback(let feedback), .payloadFeedback(let feedback):
                        for index in 0..<feedback.entryCount {
                            if feedback.message == .genericNACK { _ = feedback.nackEntry(at: index, in: raw) }
                            if feedback.message == .fullIntraRequest { _ = feedback.firEntry(at: index, in: raw) }
                        }
                    case .application, .other:
                        break
                    }
                }
            }
        }
        var buffer = ByteBuffer(bytes: bytes)
        var rewriter = RewriteEverything()
        _ = try? buffer.rewriteRTCP(allowReducedSize: true, with: &rewriter)
        _ = buffer.rewriteRTPHeader(ssrc: 1, sequenceNumber: 2, timestamp: 3, payloadType: 4, marker: true)
        #expect(buffer.readableBytes == bytes.count)
    }

    @Test(arguments: seeds)
    func randomDatagrams(_ seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...96, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of them look like RTP/RTCP (version 2) so parsing goes past the first check.
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            exercise(bytes)
        }
    }

    @Test(arguments: seeds)
    func mutatedValidPackets(_ seed: UInt64) throws {
        var generator = SeededGenerator(state: seed)
        let nack = PacketBytes().u16(1).u16(0xFFFF).bytes
        let fir = PacketBytes().u32(9).u8(1).u8(0).u16(0).bytes
        let rtcp = RTCPTestPackets.senderReport(ssrc: 1, rtpTimestamp: 2, blocks: [
            RTCPTestPackets.reportBlock(ssrc: 3, fraction: 1, lost: 2, highest: 3, jitter: 4)
        ])
            + RTCPTestPackets.sourceDescription(ssrc: 1, cname: "cname")
            + RTCPTestPackets.feedback(type: 205, format: 1, sender: 1, media: 3, fci: nack)
            + RTCPTestPackets.feedback(type: 206, format: 4, sender: 1, media: 0, fci: fir)
            + RTCPTestPackets.goodbye(ssrcs: [1, 2], reason: "bye")
        var builder = RTPPacketBuilder(payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        builder.csrcs = [4, 5]
        try builder.setOneByteExtension([(id: 1, data: [1, 2]), (id: 2, data: [3])])
        builder.paddingLength = 4
        var rtpBuffer = ByteBuffer()
        try builder.write(payload: [1, 2, 3, 4, 5], to: &rtpBuffer)
        let rtp = Array(rtpBuffer.readableBytesView)

        for _ in 0..<5_000 {
            var bytes = Bool.random(using: &generator) ? rtcp : rtp
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
            }
            exercise(bytes)
        }
    }
}
