import NIOCore
import Testing
@testable import SecureRTP

/// libsrtp2's own reference packets (test/srtp_driver.c, `srtp_validate` and
/// `srtp_validate_gcm`): a fixed master key and salt, SSRC 0xCAFEBABE, sequence number 0x1234:
/// the protected bytes must match exactly, so a wrong policy mapping cannot pass.
@Suite struct SRTPTestVectorTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8.filter { $0 != 0x20 })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    static let cmKeyAndSalt = bytes("e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6")
    static let rtpPlaintext = bytes("800f1234decafbadcafebabe abababababababababababababababab")
    static let rtcpPlaintext = bytes("81c8000bcafebabe abababababababababababababababab")

    func session(_ suite: SRTPCryptoSuite, _ keyAndSalt: [UInt8]) throws -> SRTPSession {
        let key = SDESKeyParameters(masterKey: Array(keyAndSalt.prefix(16)), masterSalt: Array(keyAndSalt.dropFirst(16)))
        return try SRTPSession(suite: suite, localKey: key, remoteKey: key)
    }

    func check(_ suite: SRTPCryptoSuite, key: [UInt8], plain: [UInt8], expected: [UInt8], rtcp: Bool) throws {
        let sender = try session(suite, key)
        let receiver = try session(suite, key)
        var buffer = ByteBuffer(bytes: plain)
        if rtcp { try sender.protectRTCP(&buffer) } else { try sender.protectRTP(&buffer) }
        #expect(Array(buffer.readableBytesView) == expected)
        if rtcp { try receiver.unprotectRTCP(&buffer) } else { try receiver.unprotectRTP(&buffer) }
        #expect(Array(buffer.readableBytesView) == plain)
    }

    @Test func aesCM128HMACSHA1_80() throws {
        try check(.aesCM128HMACSHA1_80, key: Self.cmKeyAndSalt, plain: Self.rtpPlaintext,
                  expected: Self.bytes("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb"), rtcp: false)
    }

    @Test func aesCM128HMACSHA1_32() throws {
        // Same keystream; the tag is the first 32 bits of the 80-bit one.
        try check(.aesCM128HMACSHA1_32, key: Self.cmKeyAndSalt, plain: Self.rtpPlaintext,
                  expected: Self.bytes("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc"), rtcp: false)
    }

    @Test func srtcpAESCM128HMACSHA1_80() throws {
        try check(.aesCM128HMACSHA1_80, key: Self.cmKeyAndSalt, plain: Self.rtcpPlaintext,
                  expected: Self.bytes("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798"), rtcp: true)
    }

    static let gcmKeyAndSalt = bytes("000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab")

    @Test func aeadAES128GCM() throws {
        try check(.aeadAES128GCM, key: Self.gcmKeyAndSalt, plain: Self.rtpPlaintext,
                  expected: Self.bytes("800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392"), rtcp: false)
    }

    @Test func srtcpAEADAES128GCM() throws {
        try check(.aeadAES128GCM, key: Self.gcmKeyAndSalt, plain: Self.rtcpPlaintext,
                  expected: Self.bytes("81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001"), rtcp: true)
    }
}
