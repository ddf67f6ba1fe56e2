// Big-endian loads and stores on raw buffers. Callers check bounds before calling: these are
// used only after a length check against the same buffer (our own invariant, not peer data).

extension UnsafeRawBufferPointer {
    @inline(__always)
    func rtpUInt8(at offset: Int) -> UInt8 {
        self[offset]
    }

    @inline(__always)
    func rtpUInt16(at offset: Int) -> UInt16 {
        precondition(offset >= 0 && offset + 2 <= count, "RTPCore: 16-bit load out of bounds")
        return UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func rtpUInt32(at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset + 4 <= count, "RTPCore: 32-bit load out of bounds")
        return UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always)
    func rtpStore(_ value: UInt16, at offset: Int) {
        precondition(offset >= 0 && offset + 2 <= count, "RTPCore: 16-bit store out of bounds")
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always)
    func rtpStore(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count, "RTPCore: 32-bit store out of bounds")
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}
