import Testing
@testable import SecureRTP

@Suite struct SDESKeyParametersTests {
    @Test(arguments: SRTPCryptoSuite.allCases)
    func generatedKeysRoundTripThroughText(_ suite: SRTPCryptoSuite) throws {
        let key = SDESKeyParameters.generate(for: suite)
        #expect(key.masterKey.count == 16)
        #expect(key.masterSalt.count == suite.masterSaltLength)
        let text = key.description
        #expect(text.hasPrefix("inline:"))
        let parsed = try SDESKeyParameters(parsing: text, suite: suite)
        #expect(parsed == key)
        // Two generated keys differ (a CSPRNG, not a constant).
        #expect(SDESKeyParameters.generate(for: suite).keyAndSalt != key.keyAndSalt)
    }

    @Test func parsesRFC4568ExampleWithLifetimeAndMKI() throws {
        // RFC 4568 §6.1 example key-params.
        let text = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4"
        let key = try SDESKeyParameters(parsing: text, suite: .aesCM128HMACSHA1_80)
        #expect(key.lifetime == 1 << 20)
        #expect(key.mki?.value == 1)
        #expect(key.mki?.length == 4)
        #expect(key.mkiBytes == [0, 0, 0, 1])
        #expect(key.masterKey == Array("YS___semctl () {".utf8))
        #expect(key.description == text)
    }

    @Test func parsesMKIWithoutLifetimeAndDecimalLifetime() throws {
        let base = SDESKeyParameters.generate(for: .aesCM128HMACSHA1_32).description
        let withMKI = try SDESKeyParameters(parsing: base + "|7:1", suite: .aesCM128HMACSHA1_32)
        #expect(withMKI.lifetime == nil)
        #expect(withMKI.mki?.value == 7)
        let decimal = try SDESKeyParameters(parsing: base + "|1000", suite: .aesCM128HMACSHA1_32)
        #expect(decimal.lifetime == 1000)
    }

    @Test func rejectsBadKeyParameters() {
        let good = SDESKeyParameters.generate(for: .aesCM128HMACSHA1_80).description
        #expect(throws: SDESKeyError.unsupportedMethod) { try SDESKeyParameters(parsing: "uri:https://x", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidBase64) { try SDESKeyParameters(parsing: "inline:!!!!", suite: .aesCM128HMACSHA1_80) }
        // A GCM key (28 octets) offered for AES-CM (30 octets).
        let gcm = SDESKeyParameters.generate(for: .aeadAES128GCM).description
        #expect(throws: SDESKeyError.wrongKeyLength(expected: 30, actual: 28)) { try SDESKeyParameters(parsing: gcm, suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidLifetime) { try SDESKeyParameters(parsing: good + "|2^49", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidLifetime) { try SDESKeyParameters(parsing: good + "|0", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidLifetime) { try SDESKeyParameters(parsing: good + "|-5", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidMKI) { try SDESKeyParameters(parsing: good + "|256:1", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidMKI) { try SDESKeyParameters(parsing: good + "|1:0", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidMKI) { try SDESKeyParameters(parsing: good + "|1:129", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.invalidMKI) { try SDESKeyParameters(parsing: good + "|2^20|1:4|x", suite: .aesCM128HMACSHA1_80) }
        #expect(throws: SDESKeyError.tooLong) { try SDESKeyParameters(parsing: "inline:" + String(repeating: "A", count: 600), suite: .aesCM128HMACSHA1_80) }
    }

    @Test func suiteNames() {
        #expect(SRTPCryptoSuite(sdesName: "AES_CM_128_HMAC_SHA1_80") == .aesCM128HMACSHA1_80)
        #expect(SRTPCryptoSuite(sdesName: "AEAD_AES_128_GCM") == .aeadAES128GCM)
        #expect(SRTPCryptoSuite(sdesName: "F8_128_HMAC_SHA1_80") == nil)
    }
}
