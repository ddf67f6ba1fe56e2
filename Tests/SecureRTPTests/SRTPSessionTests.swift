import NIOCore
import Testing
@testable import SecureRTP

/// An RTP packet (V=2, PT 0) with a 160-octet payload.
func rtpPacket(sequenceNumber: UInt16, ssrc: UInt32 = 0x1234_5678) -> [UInt8] {
    var packet: [UInt8] = [0x80, 0x00, UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF), 0, 0, 0x10, 0x00]
    packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
    packet += (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    return packet
}

/// Two ends of one SRTP leg: `a` protects with keyA and unprotects with keyB; `b` the reverse.
func sessionPair(_ suite: SRTPCryptoSuite, mki: (UInt64, Int)? = nil) throws -> (SRTPSession, SRTPSession) {
    var keyA = SDESKeyParameters.generate(for: suite)
    var keyB = SDESKeyParameters.generate(for: suite)
    if let mki {
        keyA.mki = (mki.0, mki.1)
        keyB.mki = (mki.0 + 1, mki.1)
    }
    return (try SRTPSession(suite: suite, localKey: keyA, remoteKey: keyB),
            try SRTPSession(suite: suite, localKey: keyB, remoteKey: keyA))
}

@Suite struct SRTPSessionTests {
    @Test(arguments: SRTPCryptoSuite.allCases)
    func rtpRoundTripAndReplay(_ suite: SRTPCryptoSuite) throws {
        let (a, b) = try sessionPair(suite)
        for sequenceNumber: UInt16 in [10, 11, 13, 12] {
            let plain = rtpPacket(sequenceNumber: sequenceNumber)
            var buffer = ByteBuffer(bytes: plain)
            try a.protectRTP(&buffer)
            #expect(buffer.readableBytes == plain.count + suite.rtpTagLength)
            #expect(buffer.getBytes(at: 0, length: 12) == Array(plain.prefix(12)))
            #expect(buffer.getBytes(at: 12, length: 160) != Array(plain.dropFirst(12)))
            let wire = buffer
            try b.unprotectRTP(&buffer)
            #expect(buffer.readableBytes == plain.count)
            #expect(Array(buffer.readableBytesView) == plain)
            var again = wire
            #expect(throws: SRTPError.replay) { try b.unprotectRTP(&again) }
        }
        // The other direction with the other key.
        var back = ByteBuffer(bytes: rtpPacket(sequenceNumber: 500, ssrc: 0xAABB_CCDD))
        try b.protectRTP(&back)
        try a.unprotectRTP(&back)
        #expect(Array(back.readableBytesView) == rtpPacket(sequenceNumber: 500, ssrc: 0xAABB_CCDD))
    }

    @Test(arguments: SRTPCryptoSuite.allCases)
    func tamperedAndForeignPacketsFailAuthentication(_ suite: SRTPCryptoSuite) throws {
        let (a, b) = try sessionPair(suite)
        var buffer = ByteBuffer(bytes: rtpPacket(sequenceNumber: 1))
        try a.protectRTP(&buffer)
        var tampered = buffer
        tampered.setInteger(tampered.getInteger(at: 30, as: UInt8.self)! ^ 1, at: 30)
        #expect(throws: SRTPError.authenticationFailed) { try b.unprotectRTP(&tampered) }
        // Our own outbound key does not open our own packets in the inbound direction.
        var own = buffer
        #expect(throws: SRTPError.authenticationFailed) { try a.unprotectRTP(&own) }
        // The untouched packet still opens.
        try b.unprotectRTP(&buffer)
        // A truncated packet is malformed, not a crash.
        var short = ByteBuffer(bytes: [0x80, 0, 0, 1])
        #expect(throws: SRTPError.malformedPacket) { try b.unprotectRTP(&short) }
    }

    @Test(arguments: SRTPCryptoSuite.allCases)
    func rtcpRoundTrip(_ suite: SRTPCryptoSuite) throws {
        let (a, b) = try sessionPair(suite)
        let receiverReport: [UInt8] = [0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78]
        var buffer = ByteBuffer(bytes: receiverReport)
        try a.protectRTCP(&buffer)
        #expect(buffer.readableBytes == receiverReport.count + suite.rtcpTrailerLength)
        let wire = buffer
        try b.unprotectRTCP(&buffer)
        #expect(Array(buffer.readableBytesView) == receiverReport)
        var replayed = wire
        #expect(throws: SRTPError.replay) { try b.unprotectRTCP(&replayed) }
    }

    @Test func mkiIsCarriedAndChecked() throws {
        let (a, b) = try sessionPair(.aesCM128HMACSHA1_80, mki: (1, 4))
        var buffer = ByteBuffer(bytes: rtpPacket(sequenceNumber: 9))
        try a.protectRTP(&buffer)
        #expect(buffer.readableBytes == 172 + 4 + 10)
        #expect(buffer.getBytes(at: 172, length: 4) == [0, 0, 0, 1], "the MKI precedes the tag (RFC 3711 §3.1)")
        try b.unprotectRTP(&buffer)
        #expect(Array(buffer.readableBytesView) == rtpPacket(sequenceNumber: 9))
    }

    @Test func rekeyReplacesTheKeys() throws {
        let suite = SRTPCryptoSuite.aesCM128HMACSHA1_80
        let (a, b) = try sessionPair(suite)
        let newKey = SDESKeyParameters.generate(for: suite)
        try a.rekey(localKey: newKey, remoteKey: nil)
        var buffer = ByteBuffer(bytes: rtpPacket(sequenceNumber: 2))
        try a.protectRTP(&buffer)
        var stale = buffer
        #expect(throws: SRTPError.authenticationFailed) { try b.unprotectRTP(&stale) }
        try b.rekey(localKey: nil, remoteKey: newKey)
        try b.unprotectRTP(&buffer)
        #expect(Array(buffer.readableBytesView) == rtpPacket(sequenceNumber: 2))
    }

    @Test func badKeysAreRejected() {
        let short = SDESKeyParameters(masterKey: [1, 2, 3], masterSalt: [4])
        let good = SDESKeyParameters.generate(for: .aeadAES128GCM)
        #expect(throws: SRTPError.badKey) { try SRTPSession(suite: .aeadAES128GCM, localKey: short, remoteKey: good) }
        // An AES-CM key (14-octet salt) for GCM (12-octet salt).
        let cm = SDESKeyParameters.generate(for: .aesCM128HMACSHA1_80)
        #expect(throws: SRTPError.badKey) { try SRTPSession(suite: .aeadAES128GCM, localKey: cm, remoteKey: good) }
    }

    /// A buffer whose readable bytes start past index 0 and that shares storage with a copy:
    /// protect must write at the reader index and leave the copy untouched.
    @Test func protectsInPlaceAtReaderIndexWithoutTouchingCopies() throws {
        let (a, b) = try sessionPair(.aesCM128HMACSHA1_32)
        var buffer = ByteBuffer(bytes: [0xEE, 0xEE] + rtpPacket(sequenceNumber: 77))
        buffer.moveReaderIndex(forwardBy: 2)
        let copy = buffer
        try a.protectRTP(&buffer)
        #expect(Array(copy.readableBytesView) == rtpPacket(sequenceNumber: 77))
        try b.unprotectRTP(&buffer)
        #expect(Array(buffer.readableBytesView) == rtpPacket(sequenceNumber: 77))
    }
}
