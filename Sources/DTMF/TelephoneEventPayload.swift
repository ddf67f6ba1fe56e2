/// The RFC 4733 §2.3 telephone-event payload: four octets per event.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     event     |E|R| volume    |          duration             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// `duration` counts timestamp units of the stream's clock since the event's timestamp
/// (§2.3.5); `volume` is the power level in −dBm0 (0…63, §2.3.4).
public struct TelephoneEventPayload: Hashable, Sendable {
    /// Octets of one event block.
    public static let length = 4
    /// The largest duration the 16-bit field holds (§2.5.1.3: longer events are split).
    public static let maximumDuration = 0xFFFF

    /// The event code (0–15 are the DTMF digits, §3.2).
    public var event: UInt8
    /// The E bit: the event has ended (§2.3.3).
    public var isEnd: Bool
    /// Power level in −dBm0, 0…63 (§2.3.4); the R bit is always written as zero.
    public var volume: UInt8
    /// Duration in timestamp units (§2.3.5).
    public var duration: UInt16

    /// A payload.
    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// Parses the first event block of `bytes` (an RTP payload). Extra blocks (RFC 4733
    /// §2.5.1.5 packing) are not read: the first block is the one with the packet's timestamp.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(TelephoneEventError) {
        guard bytes.count >= Self.length else { throw .payloadTooShort(length: bytes.count) }
        event = bytes[0]
        isEnd = bytes[1] & 0x80 != 0
        volume = bytes[1] & 0x3F
        duration = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
    }

    /// Parses the first event block of `bytes`.
    public init(parsing bytes: some Collection<UInt8>) throws(TelephoneEventError) {
        var iterator = bytes.makeIterator()
        guard let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() else {
            throw .payloadTooShort(length: bytes.count)
        }
        event = b0
        isEnd = b1 & 0x80 != 0
        volume = b1 & 0x3F
        duration = UInt16(b2) << 8 | UInt16(b3)
    }

    /// The four wire octets.
    public var bytes: [UInt8] {
        [event, (isEnd ? 0x80 : 0) | (volume & 0x3F), UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }

    /// Writes the four octets at `pointer[offset...]`; the caller checks room.
    @inlinable
    public func write(to pointer: UnsafeMutableRawBufferPointer, at offset: Int) {
        pointer[offset] = event
        pointer[offset + 1] = (isEnd ? 0x80 : 0) | (volume & 0x3F)
        pointer[offset + 2] = UInt8(duration >> 8)
        pointer[offset + 3] = UInt8(duration & 0xFF)
    }
}

/// Why a telephone-event packet was not used. Peer input: the relay drops the packet and counts
/// it, nothing traps.
public enum TelephoneEventError: Error, Hashable, Sendable {
    /// Fewer than four payload octets.
    case payloadTooShort(length: Int)
    /// An event code outside the DTMF digits (flash, fax tones…: RFC 4734), ignored.
    case notADigit(event: UInt8)
    /// The packet's payload type is not this leg's telephone-event type.
    case unexpectedPayloadType(UInt8)
    /// The RTP header itself did not parse.
    case malformedRTP
}
