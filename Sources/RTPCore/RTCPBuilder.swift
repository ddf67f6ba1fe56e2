import NIOCore

/// Why an RTCP packet could not be built: a count or length over its wire field.
public enum RTCPBuildError: Error, Hashable, Sendable {
    /// More than 31 report blocks, sources or entries (the 5-bit count field).
    case tooManyItems(Int)
    /// An SDES item or BYE reason longer than 255 octets.
    case textTooLong(Int)
    /// A generic NACK without any lost sequence number.
    case emptyNACK
}

/// Writes RTCP packets (RFC 3550 §6.4–6.6, RFC 4585 §6, RFC 5104 §4.3.1) for a leg whose RTCP
/// the gateway generates itself (transcoding) or to ask a sender for a key frame. Each method
/// appends one packet at the buffer's writer index; call several to build a compound.
public enum RTCPBuilder {
    /// Most report blocks, sources or FCI entries a 5-bit count field can carry.
    public static let maximumCount = 31
    /// Octets of one SDES item's or BYE reason's text at most.
    public static let maximumTextLength = 255

    private static func writeCommonHeader(count: Int, type: UInt8, bodyLength: Int, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x80 | count))
        buffer.writeInteger(type)
        buffer.writeInteger(UInt16((bodyLength + 4) / 4 - 1))
    }

    private static func write(_ block: RTCPReportBlock, to buffer: inout ByteBuffer) {
        buffer.writeInteger(block.ssrc)
        let lost = UInt32(bitPattern: max(-0x80_0000, min(0x7F_FFFF, block.cumulativeLost))) & 0x00FF_FFFF
        buffer.writeInteger(UInt32(block.fractionLost) << 24 | lost)
        buffer.writeInteger(block.extendedHighestSequenceNumber)
        buffer.writeInteger(block.jitter)
        buffer.writeInteger(block.lastSenderReport)
        buffer.writeInteger(block.delaySinceLastSenderReport)
    }

    /// Appends a sender report (§6.4.1).
    public static func writeSenderReport(
        ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reportBlocks: [RTCPReportBlock] = [], to buffer: inout ByteBuffer
    ) throws(RTCPBuildError) {
        guard reportBlocks.count <= maximumCount else { throw .tooManyItems(reportBlocks.count) }
        writeCommonHeader(
            count: reportBlocks.count, type: RTCPPacketType.senderReport,
            bodyLength: RTCPSenderReport.fixedLength + reportBlocks.count * RTCPReportBlock.length, to: &buffer)
        buffer.writeInteger(ssrc)
        buffer.writeInteger(ntpTimestamp)
        buffer.writeInteger(rtpTimestamp)
        buffer.writeInteger(packetCount)
        buffer.writeInteger(octetCount)
        for block in reportBlocks { write(block, to: &buffer) }
    }

    /// Appends a receiver report (§6.4.2).
    public static func writeReceiverReport(
        ssrc: UInt32, reportBlocks: [RTCPReportBlock] = [], to buffer: inout ByteBuffer
    ) throws(RTCPBuildError) {
        guard reportBlocks.count <= maximumCount else { throw .tooManyItems(reportBlocks.count) }
        writeCommonHeader(
            count: reportBlocks.count, type: RTCPPacketType.receiverReport,
            bodyLength: 4 + reportBlocks.count * RTCPReportBlock.length, to: &buffer)
        buffer.writeInteger(ssrc)
        for block in reportBlocks { write(block, to: &buffer) }
    }

    /// Appends an SDES packet with one chunk carrying a CNAME (§6.5.1), null-terminated and
    /// padded to a 32-bit boundary.
    public static func writeSourceDescription(ssrc: UInt32, canonicalName: some Collection<UInt8>, to buffer: inout ByteBuffer) throws(RTCPBuildError) {
        guard canonicalName.count <= maximumTextLength else { throw .textTooLong(canonicalName.count) }
        let itemsLength = 2 + canonicalName.count + 1
        let chunkLength = 4 + (itemsLength + 3) / 4 * 4
        writeCommonHeader(count: 1, type: RTCPPacketType.sourceDescription, bodyLength: chunkLength, to: &buffer)
        buffer.writeInteger(ssrc)
        buffer.writeInteger(RTCPSourceDescription.ItemType.canonicalName)
        buffer.writeInteger(UInt8(canonicalName.count))
        buffer.writeBytes(canonicalName)
        buffer.writeRepeatingByte(0, count: chunkLength - 4 - (2 + canonicalName.count))
    }

    /// Appends a BYE (§6.6) for `sources`, with an optional reason.
    public static func writeGoodbye(sources: [UInt32], reason: (some Collection<UInt8>)? = [UInt8]?.none, to buffer: inout ByteBuffer) throws(RTCPBuildError) {
        guard sources.count <= maximumCount else { throw .tooManyItems(sources.count) }
        let reasonLength = reason.map { $0.count } ?? -1
        guard reasonLength <= maximumTextLength else { throw .textTooLong(reasonLength) }
        let reasonBlock = reasonLength < 0 ? 0 : (1 + reasonLength + 3) / 4 * 4
        writeCommonHeader(count: sources.count, type: RTCPPacketType.goodbye, bodyLength: 4 * sources.count + reasonBlock, to: &buffer)
        for source in sources { buffer.writeInteger(source) }
        if let reason {
            buffer.writeInteger(UInt8(reason.count))
            buffer.writeBytes(reason)
            buffer.writeRepeatingByte(0, count: reasonBlock - 1 - reason.count)
        }
    }

    /// Appends a picture loss indication (RFC 4585 §6.3.1): ask `mediaSSRC` for a key frame.
    public static func writePictureLossIndication(senderSSRC: UInt32, mediaSSRC: UInt32, to buffer: inout ByteBuffer) {
        writeCommonHeader(count: 1, type: RTCPPacketType.payloadFeedback, bodyLength: 8, to: &buffer)
        buffer.writeInteger(senderSSRC)
        buffer.writeInteger(mediaSSRC)
    }

    /// Appends a full intra request (RFC 5104 §4.3.1) with one entry; the media SSRC field is 0.
    public static func writeFullIntraRequest(
        senderSSRC: UInt32, mediaSSRC: UInt32, commandSequenceNumber: UInt8, to buffer: inout ByteBuffer
    ) {
        writeCommonHeader(count: 4, type: RTCPPacketType.payloadFeedback, bodyLength: 8 + RTCPFeedback.FIREntry.length, to: &buffer)
        buffer.writeInteger(senderSSRC)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(mediaSSRC)
        buffer.writeInteger(commandSequenceNumber)
        buffer.writeRepeatingByte(0, count: 3)
    }

    /// Appends a generic NACK (RFC 4585 §6.2.1) for `lost` sequence numbers, packed into as
    /// few PID/BLP entries as their order allows (each entry covers PID and the 16 after it).
    public static func writeGenericNACK(
        senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16], to buffer: inout ByteBuffer
    ) throws(RTCPBuildError) {
        guard !lost.isEmpty else { throw .emptyNACK }
        var entries: [RTCPFeedback.NACKEntry] = []
        for sequenceNumber in lost {
            if var last = entries.last {
                let distance = RTPSequenceNumber.distance(from: last.packetID, to: sequenceNumber)
                if distance == 0 { continue }
                if (1...16).contains(distance) {
                    last.lostBitmask |= 1 << (distance - 1)
                    entries[entries.count - 1] = last
                    continue
                }
            }
            entries.append(RTCPFeedback.NACKEntry(packetID: sequenceNumber, lostBitmask: 0))
        }
        writeCommonHeader(
            count: 1, type: RTCPPacketType.transportFeedback,
            bodyLength: 8 + entries.count * RTCPFeedback.NACKEntry.length, to: &buffer)
        buffer.writeInteger(senderSSRC)
        buffer.writeInteger(mediaSSRC)
        for entry in entries {
            buffer.writeInteger(entry.packetID)
            buffer.writeInteger(entry.lostBitmask)
        }
    }
}
