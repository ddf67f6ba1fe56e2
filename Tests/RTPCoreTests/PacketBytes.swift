// Hand-built packet bytes for the tests: big-endian appenders, so each test spells out its
// packet field by field.

final class PacketBytes {
    var bytes: [UInt8] = []

    init() {}

    @discardableResult
    func u8(_ value: UInt8) -> PacketBytes {
        bytes.append(value)
        return self
    }

    @discardableResult
    func u16(_ value: UInt16) -> PacketBytes {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
        return self
    }

    @discardableResult
    func u32(_ value: UInt32) -> PacketBytes {
        u16(UInt16(value >> 16))
        return u16(UInt16(value & 0xFFFF))
    }

    @discardableResult
    func append(_ other: [UInt8]) -> PacketBytes {
        bytes.append(contentsOf: other)
        return self
    }

    /// An RTP fixed header (V=2) with the given first-octet flags (P, X, CC) OR-ed in.
    static func rtpHeader(
        flags: UInt8 = 0, marker: Bool = false, payloadType: UInt8 = 0, sequenceNumber: UInt16 = 0x1234,
        timestamp: UInt32 = 0xDEAD_BEEF, ssrc: UInt32 = 0x0102_0304
    ) -> PacketBytes {
        let packet = PacketBytes()
        packet.u8(0x80 | flags)
        packet.u8((marker ? 0x80 : 0) | payloadType)
        packet.u16(sequenceNumber)
        packet.u32(timestamp)
        packet.u32(ssrc)
        return packet
    }
}

func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
    try bytes.withUnsafeBytes(body)
}

func slice(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8] {
    Array(bytes[range])
}
