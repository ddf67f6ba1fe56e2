import NIOCore

/// Which kind of SSRC field an RTCP rewrite is looking at. A relay maps the two differently:
/// a sender's own SSRC becomes the SSRC it is known by on the other leg, while a reported-on
/// media SSRC is one the relay sent and maps back to the original sender's.
public enum RTCPSSRCRole: Hashable, Sendable {
    /// The packet sender's SSRC: SR/RR/APP/feedback/XR sender, SDES chunk, BYE source.
    case sender
    /// A media source reported on or asked for: report block SSRC_n, feedback media SSRC,
    /// FIR entry SSRC.
    case mediaSource
}

/// Field rewrites a relay applies to RTCP it forwards. Each method returns the new value, or
/// `nil` to leave the field unchanged (the default).
///
/// Not rewritten: SSRCs inside XR report blocks (RFC 3611), REMB SSRC lists, and transport-cc
/// feedback; relays that need them parse those packets themselves.
public protocol RTCPRewriting {
    /// A new value for an SSRC field.
    mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32?
    /// A new RTP timestamp for the sender report of (original) `ssrc` (RFC 3550 §6.4.1), to
    /// match the timestamps the relay wrote into that source's RTP.
    mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32?
    /// A new extended highest sequence number for a report block about (original) `ssrc`.
    mutating func rewriteExtendedHighestSequenceNumber(_ sequenceNumber: UInt32, ssrc: UInt32) -> UInt32?
    /// A new packet ID for a generic NACK entry about (original) media `ssrc`.
    mutating func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16?
}

extension RTCPRewriting {
    /// Leaves SSRCs unchanged.
    public mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? { nil }
    /// Leaves SR timestamps unchanged.
    public mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? { nil }
    /// Leaves report-block sequence numbers unchanged.
    public mutating func rewriteExtendedHighestSequenceNumber(_ sequenceNumber: UInt32, ssrc: UInt32) -> UInt32? { nil }
    /// Leaves NACK packet IDs unchanged.
    public mutating func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16? { nil }
}

extension RTCPCompoundPacket {
    /// Validates the compound packet in `bytes`, then rewrites its fields in place through
    /// `rewriter`. Nothing is written when validation fails. Returns the number of fields
    /// changed.
    @discardableResult
    public static func rewrite(
        _ bytes: UnsafeMutableRawBufferPointer, allowReducedSize: Bool = false, with rewriter: inout some RTCPRewriting
    ) throws(RTCPParseError) -> Int {
        let readable = UnsafeRawBufferPointer(bytes)
        var validation = try RTCPCompoundPacket(validating: readable, allowReducedSize: allowReducedSize)
        while let header = try validation.next(in: readable) {
            _ = try RTCPPacket(header: header, in: readable)
        }
        var changed = 0
        func ssrc(at offset: Int, _ role: RTCPSSRCRole) -> UInt32 {
            let old = readable.rtpUInt32(at: offset)
            if let new = rewriter.rewriteSSRC(old, role: role), new != old {
                bytes.rtpStore(new, at: offset)
                changed += 1
            }
            return old
        }
        func reportBlocks(_ blocks: RTCPReportBlocks) {
            for index in 0..<blocks.count {
                let offset = blocks.offset + index * RTCPReportBlock.length
                let reportee = ssrc(at: offset, .mediaSource)
                let old = readable.rtpUInt32(at: offset + 8)
                if let new = rewriter.rewriteExtendedHighestSequenceNumber(old, ssrc: reportee), new != old {
                    bytes.rtpStore(new, at: offset + 8)
                    changed += 1
                }
            }
        }
        var walk = try RTCPCompoundPacket(validating: readable, allowReducedSize: allowReducedSize)
        while let header = try walk.next(in: readable) {
            switch try RTCPPacket(header: header, in: readable) {
            case .senderReport(let report):
                let body = header.bodyRange.lowerBound
                let sender = ssrc(at: body, .sender)
                if let new = rewriter.rewriteSenderReportTimestamp(report.rtpTimestamp, ssrc: sender), new != report.rtpTimestamp {
                    bytes.rtpStore(new, at: body + 12)
                    changed += 1
                }
                reportBlocks(report.reportBlocks)
            case .receiverReport(let report):
                _ = ssrc(at: header.bodyRange.lowerBound, .sender)
                reportBlocks(report.reportBlocks)
            case .sourceDescription(let description):
                var chunks = description.chunks
                while let chunk = chunks.next(in: readable) {
                    _ = ssrc(at: chunk.ssrcOffset, .sender)
                }
            case .goodbye(let goodbye):
                for index in 0..<goodbye.sourceCount {
                    _ = ssrc(at: goodbye.sourcesOffset + 4 * index, .sender)
                }
            case .application:
                _ = ssrc(at: header.bodyRange.lowerBound, .sender)
            case .transportFeedback(let feedback), .payloadFeedback(let feedback):
                let body = header.bodyRange.lowerBound
                _ = ssrc(at: body, .sender)
                let media = ssrc(at: body + 4, .mediaSource)
                switch feedback.message {
                case .genericNACK:
                    for index in 0..<feedback.entryCount {
                        let offset = feedback.fciRange.lowerBound + index * RTCPFeedback.NACKEntry.length
                        let old = readable.rtpUInt16(at: offset)
                        if let new = rewriter.rewriteNACKPacketID(old, ssrc: media), new != old {
                            bytes.rtpStore(new, at: offset)
                            changed += 1
                        }
                    }
                case .fullIntraRequest:
                    for index in 0..<feedback.entryCount {
                        _ = ssrc(at: feedback.fciRange.lowerBound + index * RTCPFeedback.FIREntry.length, .mediaSource)
                    }
                default:
                    break
                }
            case .other(let other):
                // XR (RFC 3611 §2) and the feedback-like types start with the sender's SSRC.
                if other.packetType == RTCPPacketType.extendedReport, other.bodyRange.count >= 4 {
                    _ = ssrc(at: other.bodyRange.lowerBound, .sender)
                }
            }
        }
        return changed
    }
}

extension ByteBuffer {
    /// Rewrites the RTCP compound packet in this buffer's readable bytes in place (see
    /// `RTCPCompoundPacket.rewrite`).
    @discardableResult
    public mutating func rewriteRTCP(allowReducedSize: Bool = false, with rewriter: inout some RTCPRewriting) throws(RTCPParseError) -> Int {
        let result = withUnsafeMutableReadableBytes { bytes -> Result<Int, RTCPParseError> in
            do throws(RTCPParseError) {
                return .success(try RTCPCompoundPacket.rewrite(bytes, allowReducedSize: allowReducedSize, with: &rewriter))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
