import NIOCore

extension RTPHeader {
    /// Rewrites header fields of the RTP packet in `bytes` in place; `nil` leaves a field as is.
    /// The relay's forwarding step: SSRC, sequence number and timestamp continuity
    /// (`StreamContinuity`) and payload-type mapping between legs, without copying the packet.
    ///
    /// Returns `false` (and writes nothing) when `bytes` is shorter than the fixed header or a
    /// payload type is over 127.
    @inlinable
    @discardableResult
    public static func rewrite(
        _ bytes: UnsafeMutableRawBufferPointer,
        ssrc: UInt32? = nil,
        sequenceNumber: UInt16? = nil,
        timestamp: UInt32? = nil,
        payloadType: UInt8? = nil,
        marker: Bool? = nil
    ) -> Bool {
        guard bytes.count >= fixedHeaderLength else { return false }
        if let payloadType, payloadType > 0x7F { return false }
        if payloadType != nil || marker != nil {
            let current = bytes[1]
            let newMarker: UInt8 = marker.map { $0 ? 0x80 : 0 } ?? (current & 0x80)
            bytes[1] = newMarker | (payloadType ?? (current & 0x7F))
        }
        if let sequenceNumber {
            bytes.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: sequenceNumberOffset, as: UInt16.self)
        }
        if let timestamp {
            bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: timestampOffset, as: UInt32.self)
        }
        if let ssrc {
            bytes.storeBytes(of: ssrc.bigEndian, toByteOffset: ssrcOffset, as: UInt32.self)
        }
        return true
    }
}

extension ByteBuffer {
    /// Rewrites RTP header fields of the packet in this buffer's readable bytes in place
    /// (see `RTPHeader.rewrite`). Copies the storage only if it is shared.
    @inlinable
    @discardableResult
    public mutating func rewriteRTPHeader(
        ssrc: UInt32? = nil,
        sequenceNumber: UInt16? = nil,
        timestamp: UInt32? = nil,
        payloadType: UInt8? = nil,
        marker: Bool? = nil
    ) -> Bool {
        withUnsafeMutableReadableBytes { bytes in
            RTPHeader.rewrite(
                bytes, ssrc: ssrc, sequenceNumber: sequenceNumber, timestamp: timestamp,
                payloadType: payloadType, marker: marker)
        }
    }
}
