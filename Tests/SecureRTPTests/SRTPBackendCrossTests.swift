import NIOCore
import Testing
@testable import SecureRTP

/// The OpenSSL backend against libsrtp2: each protects what the other unprotects, byte for byte,
/// across a sequence number rollover, with reordering, replays and SRTCP.
@Suite struct SRTPBackendCrossTests {
    static let aesCM: [SRTPCryptoSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]

    /// An RTP packet with CSRCs and a header extension when asked, payload varying with `seed`.
    static func packet(sequence: UInt16, timestamp: UInt32, ssrc: UInt32, seed: Int, extended: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [extended ? 0x91 : 0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: timestamp >> UInt32(shift))) }
        for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: ssrc >> UInt32(shift))) }
        if extended {
            bytes += [0x0A, 0x0B, 0x0C, 0x0D]              // one CSRC
            bytes += [0xBE, 0xDE, 0x00, 0x01, 1, 2, 3, 4]  // a one-word extension (RFC 8285)
        }
        bytes += (0..<(20 + seed % 150)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
        return bytes
    }

    static func pair(_ suite: SRTPCryptoSuite, sender: SRTPBackend, receiver: SRTPBackend) throws -> (SRTPSession, SRTPSession) {
        let keyA = SDESKeyParameters.generate(for: suite)
        let keyB = SDESKeyParameters.generate(for: suite)
        return (try SRTPSession(suite: suite, localKey: keyA, remoteKey: keyB, backend: sender),
                try SRTPSession(suite: suite, localKey: keyB, remoteKey: keyA, backend: receiver))
    }

    @Test func theAESCMSuitesWithoutMKIUseOpenSSL() throws {
        for suite in SRTPCryptoSuite.allCases {
            let plain = try SRTPSession(suite: suite, localKey: .generate(for: suite), remoteKey: .generate(for: suite))
            #expect(plain.backend == (Self.aesCM.contains(suite) ? .openSSL : .libsrtp), "\(suite)")
        }
        var withMKI = SDESKeyParameters.generate(for: .aesCM128HMACSHA1_80)
        withMKI.mki = (1, 1)
        let session = try SRTPSession(suite: .aesCM128HMACSHA1_80, localKey: withMKI, remoteKey: .generate(for: .aesCM128HMACSHA1_80))
        #expect(session.backend == .libsrtp)
    }

    @Test(arguments: SRTPBackendCrossTests.aesCM, [(SRTPBackend.openSSL, SRTPBackend.libsrtp), (.libsrtp, .openSSL)])
    func rtpAcrossARolloverWithReordering(_ suite: SRTPCryptoSuite, _ backends: (SRTPBackend, SRTPBackend)) throws {
        let (sender, receiver) = try Self.pair(suite, sender: backends.0, receiver: backends.1)
        // 65500 ... 65535, 0 ... 99: the ROC becomes 1 half way; every fifth pair arrives swapped.
        var wire: [(plain: [UInt8], protected: ByteBuffer)] = []
        for step in 0..<136 {
            let sequence = UInt16(truncatingIfNeeded: 65500 + step)
            let plain = Self.packet(sequence: sequence, timestamp: UInt32(step * 160), ssrc: 0xCAFE_0001, seed: step, extended: step % 7 == 0)
            var buffer = ByteBuffer(bytes: plain)
            try sender.protectRTP(&buffer)
            #expect(buffer.readableBytes == plain.count + suite.rtpTagLength)
            wire.append((plain, buffer))
        }
        for index in stride(from: 0, to: wire.count - 1, by: 5) { wire.swapAt(index, index + 1) }
        for (plain, protected) in wire {
            var buffer = protected
            try receiver.unprotectRTP(&buffer)
            #expect(Array(buffer.readableBytesView) == plain)
            var replay = protected
            #expect(throws: SRTPError.replay) { try receiver.unprotectRTP(&replay) }
        }
        // A forged packet (one bit flipped in the payload) is refused.
        var forged = ByteBuffer(bytes: Self.packet(sequence: 100, timestamp: 1, ssrc: 0xCAFE_0001, seed: 3))
        try sender.protectRTP(&forged)
        forged.setInteger(forged.getInteger(at: 20, as: UInt8.self)! ^ 0x40, at: 20)
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTP(&forged) }
    }

    @Test(arguments: SRTPBackendCrossTests.aesCM, [(SRTPBackend.openSSL, SRTPBackend.libsrtp), (.libsrtp, .openSSL)])
    func rtcpBothWays(_ suite: SRTPCryptoSuite, _ backends: (SRTPBackend, SRTPBackend)) throws {
        let (sender, receiver) = try Self.pair(suite, sender: backends.0, receiver: backends.1)
        for round in 0..<20 {
            // A receiver report: V=2, RC=1, PT 201, length 7, sender SSRC, one block.
            var plain: [UInt8] = [0x81, 201, 0, 7, 0x11, 0x22, 0x33, UInt8(round)]
            plain += (0..<24).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            var buffer = ByteBuffer(bytes: plain)
            try sender.protectRTCP(&buffer)
            #expect(buffer.readableBytes == plain.count + suite.rtcpTrailerLength)
            let wire = buffer
            try receiver.unprotectRTCP(&buffer)
            #expect(Array(buffer.readableBytesView) == plain)
            var replay = wire
            #expect(throws: SRTPError.replay) { try receiver.unprotectRTCP(&replay) }
        }
    }

    @Test func aSenderNeverReusesAnIndex() throws {
        let (sender, _) = try Self.pair(.aesCM128HMACSHA1_80, sender: .openSSL, receiver: .openSSL)
        var first = ByteBuffer(bytes: Self.packet(sequence: 7, timestamp: 0, ssrc: 1, seed: 1))
        try sender.protectRTP(&first)
        var again = ByteBuffer(bytes: Self.packet(sequence: 7, timestamp: 0, ssrc: 1, seed: 2))
        #expect(throws: SRTPError.replay) { try sender.protectRTP(&again) }
    }

    @Test func truncatedAndNonRTPInputIsAnErrorNotATrap() throws {
        let (_, receiver) = try Self.pair(.aesCM128HMACSHA1_80, sender: .openSSL, receiver: .openSSL)
        for bytes: [UInt8] in [[], [0x80], Array(repeating: 0x80, count: 21), [0x9F] + Array(repeating: 0, count: 30)] {
            var buffer = ByteBuffer(bytes: bytes)
            #expect(throws: SRTPError.self) { try receiver.unprotectRTP(&buffer) }
            var rtcp = ByteBuffer(bytes: bytes)
            #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&rtcp) }
        }
    }
}
