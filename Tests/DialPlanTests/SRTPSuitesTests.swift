import Foundation
import Testing
@testable import DialPlan

/// `srtp_suites`: the SDES suites of an endpoint or trunk, in order of preference.
@Suite struct SRTPSuitesTests {
    static func plan(endpoint: String, trunk: String = "") -> String {
        """
        endpoints:
          alice: { class: softphone, auth: { user: alice, password_env: A }, \(endpoint) }
        trunks:
          carrier: { server: 198.51.100.7, allow: [198.51.100.0/28], dids: ["+4687654321"]\(trunk) }
        routes:
          - { name: out, from: alice, to: { prefix: "0" }, try: [{ trunk: carrier }] }

        """
    }

    @Test func suitesAreReadInOrderOnEndpointsAndTrunks() throws {
        let plan = try Fixtures.plan(Self.plan(
            endpoint: "srtp: require, srtp_suites: [AEAD_AES_128_GCM, aes_cm_128_hmac_sha1_80]",
            trunk: ", srtp: offer, srtp_suites: [AES_CM_128_HMAC_SHA1_32]"))
        let alice = try #require(plan.endpoints["alice"])
        #expect(alice.media.srtpSuites == [.aeadAES128GCM, .aesCM128HMACSHA1_80])
        #expect(alice.media.summary.contains("SRTP require [AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80]"))
        #expect(plan.trunks["carrier"]?.media.srtpSuites == [.aesCM128HMACSHA1_32])
        #expect(plan.warnings.isEmpty)
    }

    @Test func withoutTheKeyTheDefaultApplies() throws {
        let plan = try Fixtures.plan(Self.plan(endpoint: "srtp: offer"))
        #expect(plan.endpoints["alice"]?.media.srtpSuites == nil)
        #expect(plan.endpoints["alice"]?.media.summary.contains("SRTP offer; video") == true)
        #expect(SRTPSuite.defaultOffer == [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32])
    }

    @Test func anUnknownSuiteIsAnErrorAtItsPositionWithASuggestion() throws {
        let result = DialPlan.load(text: Self.plan(endpoint: "srtp: require, srtp_suites: [AEAD_AES_128_GMC, AES_256_CM]"),
                                   file: "s.yaml")
        #expect(result.plan == nil)
        let errors = result.errors
        #expect(errors.count == 2, "\(errors)")
        let first = try #require(errors.first)
        #expect(first.file == "s.yaml")
        #expect(first.line == 2)
        #expect(first.column == 99)
        #expect(first.message == "unknown SRTP suite 'AEAD_AES_128_GMC'")
        #expect(first.fix == "did you mean 'AEAD_AES_128_GCM'?")
        #expect(errors.last?.fix == "use one of the suites: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM", "\(errors)")
    }

    @Test func duplicatesEmptyListsAndScalarsAreErrors() {
        let twice = DialPlan.load(text: Self.plan(endpoint: "srtp: offer, srtp_suites: [AEAD_AES_128_GCM, aead_aes_128_gcm]"), file: "t.yaml")
        #expect(twice.errors.map(\.message) == ["'AEAD_AES_128_GCM' is listed twice in srtp_suites"])
        let empty = DialPlan.load(text: Self.plan(endpoint: "srtp: offer, srtp_suites: []"), file: "t.yaml")
        #expect(empty.errors.map(\.message) == ["srtp_suites is empty"])
        let scalar = DialPlan.load(text: Self.plan(endpoint: "srtp: offer, srtp_suites: AEAD_AES_128_GCM"), file: "t.yaml")
        #expect(scalar.errors.map(\.message) == ["srtp_suites must be a list"])
    }

    @Test func suitesWithSRTPOffAreAWarning() throws {
        let plan = try Fixtures.plan(Self.plan(endpoint: "srtp_suites: [AEAD_AES_128_GCM]"))
        #expect(plan.warnings.map(\.message) == ["srtp_suites has no effect while srtp is off"])
        #expect(plan.warnings.first?.fix == "add `srtp: offer` or `srtp: require`")
    }

    @Test func theSchemaNamesTheSuites() {
        let schema = DialPlanSchema.jsonSchema()
        #expect(schema.contains("\"srtp_suites\""))
        #expect(schema.contains("AEAD_AES_128_GCM"))
    }
}
