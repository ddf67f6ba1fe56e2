import DTMF
import RTPCore

/// RTP, RTCP, RFC 4733 and SIP INFO DTMF inputs. Promises checked: the parsers never trap;
/// every accessor within the counts a parse reported stays in bounds (an out-of-bounds read
/// traps under the address sanitizer); a rewrite of what parsed parses again to the same layout.
enum MediaFuzzHarness {
    /// RFC 3550 §5.1 header, CSRCs, §5.3.1 extension and RFC 8285 elements, then a rewrite in place.
    static func rtp(_ input: [UInt8]) {
        var bytes = input
        bytes.withUnsafeMutableBytes { mutable in
            let raw = UnsafeRawBufferPointer(mutable)
            guard let header = try? RTPHeader(parsing: raw) else { return }
            var sum: UInt32 = 0
            for index in 0..<header.csrcCount { sum &+= header.csrc(at: index, in: raw) }
            if var elements = header.extensionElements {
                var seen = 0
                while seen < 256, let element = try? elements.next(in: raw) {
                    _ = try? header.extensionElements?.element(id: element.id, in: raw)
                    seen += 1
                }
            }
            _ = sum
            guard RTPHeader.rewrite(mutable, ssrc: 0x1234_5678, sequenceNumber: 7, timestamp: 99, payloadType: 96, marker: true)
            else { fatalError("a parsed RTP packet cannot be rewritten") }
            guard let again = try? RTPHeader(parsing: raw) else { fatalError("a rewritten RTP packet does not parse") }
            guard again.ssrc == 0x1234_5678, again.payloadType == 96, again.payloadRange == header.payloadRange,
                  again.csrcCount == header.csrcCount
            else { fatalError("the rewrite changed the layout of the RTP packet") }
        }
    }

    /// RFC 3550 §6.1 compound validation, every packet's fields, then an SSRC rewrite in place.
    static func rtcp(_ input: [UInt8]) {
        guard let flags = input.first else { return }
        var bytes = Array(input.dropFirst())
        let reduced = flags & 1 != 0
        bytes.withUnsafeMutableBytes { mutable in
            let raw = UnsafeRawBufferPointer(mutable)
            guard var compound = try? RTCPCompoundPacket(validating: raw, allowReducedSize: reduced) else { return }
            var packets = 0
            while let header = try? compound.next(in: raw) {
                packets += 1
                guard let packet = try? RTCPPacket(header: header, in: raw) else { continue }
                visit(packet, in: raw)
            }
            guard packets == compound.packetCount else { fatalError("compound packet count \(compound.packetCount) but \(packets) walked") }
            var rewriter = SSRCFlipper()
            _ = try? RTCPCompoundPacket.rewrite(mutable, allowReducedSize: reduced, with: &rewriter)
            guard (try? RTCPCompoundPacket(validating: raw, allowReducedSize: reduced))?.packetCount == compound.packetCount
            else { fatalError("a rewritten RTCP packet does not validate") }
        }
    }

    struct SSRCFlipper: RTCPRewriting {
        mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? { ~ssrc }
        mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? { timestamp &+ 160 }
        mutating func rewriteExtendedHighestSequenceNumber(_ sequenceNumber: UInt32, ssrc: UInt32) -> UInt32? { sequenceNumber &+ 1 }
        mutating func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16? { packetID &+ 1 }
    }

    static func visit(_ packet: RTCPPacket, in raw: UnsafeRawBufferPointer) {
        var sum: UInt32 = 0
        switch packet {
        case .senderReport(let report):
            for index in 0..<report.reportBlocks.count { sum &+= report.reportBlocks.block(at: index, in: raw).ssrc }
        case .receiverReport(let report):
            for index in 0..<report.reportBlocks.count { sum &+= report.reportBlocks.block(at: index, in: raw).jitter }
        case .sourceDescription(let description):
            var chunks = description.chunks
            while let chunk = chunks.next(in: raw) {
                for type in UInt8(0)...9 {
                    if let item = RTCPSourceDescription.item(type, in: chunk, bytes: raw) {
                        sum &+= item.valueRange.reduce(0) { $0 &+ UInt32(raw[$1]) }
                    }
                }
            }
        case .goodbye(let goodbye):
            for index in 0..<goodbye.sourceCount { sum &+= goodbye.source(at: index, in: raw) }
            if let reason = goodbye.reasonRange { sum &+= reason.reduce(0) { $0 &+ UInt32(raw[$1]) } }
        case .application(let application):
            sum &+= application.dataRange.reduce(0) { $0 &+ UInt32(raw[$1]) }
        case .transportFeedback(let feedback), .payloadFeedback(let feedback):
            switch feedback.message {
            case .genericNACK:
                for index in 0..<feedback.entryCount { feedback.nackEntry(at: index, in: raw).forEachLostSequenceNumber { sum &+= UInt32($0) } }
            case .fullIntraRequest:
                for index in 0..<feedback.entryCount { sum &+= feedback.firEntry(at: index, in: raw).ssrc }
            default:
                break
            }
        case .other:
            break
        }
        _ = sum
    }

    /// RFC 4733 §2.3 payload: parses or throws; what parses writes back to the same four bytes
    /// (the reserved bit aside).
    static func telephoneEvent(_ input: [UInt8]) {
        guard let payload = try? TelephoneEventPayload(parsing: input) else { return }
        var expected = Array(input.prefix(TelephoneEventPayload.length))
        expected[1] &= 0xBF
        guard payload.bytes == expected else { fatalError("RFC 4733 payload does not write back: \(payload) \(input.prefix(4))") }
        _ = DTMFDigit(eventCode: payload.event)
    }

    /// SIP INFO bodies (application/dtmf-relay, application/dtmf): the first byte picks the
    /// Content-Type; what parses serializes to a body that parses to the same digit.
    static func infoBody(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let headers: [String?] = [
            "application/dtmf-relay", "application/dtmf", "Application/DTMF-Relay; charset=utf-8", nil, "text/plain",
        ]
        let header = headers[Int(selector) % headers.count]
        let body = input.dropFirst()
        guard let parsed = try? DTMFInfoBody.parse(body, contentTypeHeader: header) else { return }
        for type in DTMFInfoContentType.allCases {
            let wire = parsed.serialized(as: type, minimumDurationMilliseconds: 0)
            let again: DTMFInfoBody?
            do {
                again = try DTMFInfoBody.parse(wire, contentType: type)
            } catch {
                fatalError("serialized INFO body does not parse: \(error)")
            }
            guard again?.digit == parsed.digit else { fatalError("INFO body digit changed: \(parsed) → \(String(describing: again))") }
        }
    }
}
