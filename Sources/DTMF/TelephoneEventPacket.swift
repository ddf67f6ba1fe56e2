import NIOCore
import RTPCore

/// One outgoing telephone-event packet as the sender decided it: the media path supplies the
/// stream's SSRC and next sequence number when it writes it (events share the audio stream's
/// SSRC and sequence space, RFC 4733 §2.1).
public struct TelephoneEventPacket: Hashable, Sendable {
    /// Octets of a packet without CSRCs or extension: 12-byte header plus one event block.
    public static let length = RTPHeader.fixedHeaderLength + TelephoneEventPayload.length

    /// The leg's telephone-event payload type.
    public var payloadType: UInt8
    /// Set on the first packet of an event only (§2.5.1.1).
    public var marker: Bool
    /// The event (segment) timestamp: the same in every packet of the event (§2.5.1.2).
    public var timestamp: UInt32
    /// The event block.
    public var payload: TelephoneEventPayload

    /// A packet.
    public init(payloadType: UInt8, marker: Bool, timestamp: UInt32, payload: TelephoneEventPayload) {
        self.payloadType = payloadType
        self.marker = marker
        self.timestamp = timestamp
        self.payload = payload
    }

    /// Appends the packet to `buffer` with `RTPPacketBuilder`; returns the octets written.
    @discardableResult
    public func write(to buffer: inout ByteBuffer, sequenceNumber: UInt16, ssrc: UInt32) throws(RTPBuildError) -> Int {
        let builder = RTPPacketBuilder(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                                       timestamp: timestamp, ssrc: ssrc)
        return try builder.write(payload: payload.bytes, to: &buffer)
    }

    /// Writes the packet in place at the start of `bytes` (a caller-provided buffer, such as a
    /// slot of the relay's send slab). Returns the octets written, or 0 when `bytes` is shorter
    /// than `length` or the payload type is over 127.
    @discardableResult
    public func write(into bytes: UnsafeMutableRawBufferPointer, sequenceNumber: UInt16, ssrc: UInt32) -> Int {
        guard bytes.count >= Self.length, payloadType <= 0x7F else { return 0 }
        bytes[0] = RTPHeader.version << 6
        bytes[1] = (marker ? 0x80 : 0) | payloadType
        bytes.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: RTPHeader.sequenceNumberOffset, as: UInt16.self)
        bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: RTPHeader.timestampOffset, as: UInt32.self)
        bytes.storeBytes(of: ssrc.bigEndian, toByteOffset: RTPHeader.ssrcOffset, as: UInt32.self)
        payload.write(to: bytes, at: RTPHeader.fixedHeaderLength)
        return Self.length
    }
}
