import COpenSSL

extension OpenSSLSRTPContext {
    /// The RTP header's length (fixed part, CSRCs, header extension: RFC 3550 §5.1, §5.3.1),
    /// checked against `length`.
    static func headerLength(_ packet: UnsafeMutablePointer<UInt8>, length: Int) throws(SRTPError) -> Int {
        guard length >= 12, packet[0] >> 6 == 2 else { throw .malformedPacket }
        var header = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard length >= header + 4 else { throw .malformedPacket }
            header += 4 + 4 * (Int(packet[header + 2]) << 8 | Int(packet[header + 3]))
        }
        guard header <= length else { throw .malformedPacket }
        return header
    }

    static func read32(_ bytes: UnsafeMutablePointer<UInt8>) -> UInt32 {
        UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    static func write32(_ value: UInt32, to bytes: UnsafeMutablePointer<UInt8>) {
        bytes[0] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: value)
    }

    /// RFC 3711 §3.3.1 and Appendix A: the packet index (ROC || SEQ) guessed from the stream's
    /// highest sequence number and rollover counter. Nil for a packet from before the stream's
    /// first rollover counter (index below 0).
    static func estimate(_ sequence: UInt16, in stream: RTPStream) -> (index: UInt64, rollover: UInt32)? {
        let highest = Int(stream.highestSequence)
        let value = Int(sequence)
        var guess = Int64(stream.rolloverCounter)
        if highest < 32768 {
            if value - highest > 32768 { guess -= 1 }
        } else if highest - 32768 > value {
            guess += 1
        }
        guard guess >= 0, guess <= Int64(UInt32.max) else { return nil }
        return (UInt64(guess) << 16 | UInt64(sequence), UInt32(guess))
    }

    /// Accepts a verified packet's index; a new highest index moves the ROC and s_l (§3.3.1).
    static func record(_ index: UInt64, rollover: UInt32, sequence: UInt16, in stream: inout RTPStream) {
        if stream.window.highest.map({ index > $0 }) ?? true {
            stream.rolloverCounter = rollover
            stream.highestSequence = sequence
        }
        stream.window.accept(index)
    }

    /// AES-CM (RFC 3711 §4.1.1): XORs `count` octets with the key stream for `ssrc` and
    /// `index`, IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16).
    func crypt(_ data: UnsafeMutablePointer<UInt8>, count: Int, keys: SessionKeys, ssrc: UInt32, index: UInt64) throws(SRTPError) {
        guard count > 0 else { return }
        let status = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { iv -> Int32 in
            for offset in 0..<14 { iv[offset] = keys.salt[offset] }
            iv[14] = 0
            iv[15] = 0
            for offset in 0..<4 { iv[4 + offset] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * offset)) }
            for offset in 0..<6 { iv[8 + offset] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * offset)) }
            return gh_aes128_ctr_xor(keys.cipher, iv.baseAddress, data, Int32(count))
        }
        guard status == 1 else { throw .library(status: -1) }
    }

    /// HMAC-SHA1 (RFC 3711 §4.2) over `count` octets, then the ROC for SRTP (§4.2: the
    /// authenticated portion followed by ROC), truncated to `tagLength`, written at `tag`.
    func authenticate(_ packet: UnsafeMutablePointer<UInt8>, count: Int, rollover: UInt32?, keys: SessionKeys,
                      into tag: UnsafeMutablePointer<UInt8>, tagLength: Int) throws(SRTPError) {
        let status = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch -> Int32 in
            guard let base = scratch.baseAddress else { return 0 }
            if let rollover { Self.write32(rollover, to: base) }
            let status = gh_hmac_sha1_2(keys.mac, packet, count, base, rollover == nil ? 0 : 4, base + 4)
            for offset in 0..<tagLength { tag[offset] = base[4 + offset] }
            return status
        }
        guard status == 1 else { throw .library(status: -1) }
    }

    /// Checks the tag at `tag` against the HMAC of the packet, in constant time.
    func verify(_ packet: UnsafeMutablePointer<UInt8>, count: Int, rollover: UInt32?, keys: SessionKeys,
                tag: UnsafeMutablePointer<UInt8>, tagLength: Int) throws(SRTPError) {
        let status = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch -> Int32 in
            guard let base = scratch.baseAddress else { return 0 }
            if let rollover { Self.write32(rollover, to: base) }
            guard gh_hmac_sha1_2(keys.mac, packet, count, base, rollover == nil ? 0 : 4, base + 4) == 1 else { return 0 }
            var difference: UInt8 = 0
            for offset in 0..<tagLength { difference |= base[4 + offset] ^ tag[offset] }
            return difference == 0 ? 1 : 2
        }
        switch status {
        case 1: return
        case 2: throw .authenticationFailed
        default: throw .library(status: -1)
        }
    }
}
