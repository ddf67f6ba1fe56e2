import SDP
import Testing

/// Which SDES suite an offer lists and an answer takes (RFC 4568 §7.1.1-7.1.3, RFC 7714 §14.2).
@Suite struct NegotiatorCryptoSuiteTests {
    static let gcm = "AEAD_AES_128_GCM"
    static let cm80 = "AES_CM_128_HMAC_SHA1_80"
    static let cm32 = "AES_CM_128_HMAC_SHA1_32"
    static let gcmKey = "inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=="
    static let peerGCMKey = "inline:ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gA=="
    static let peerCMKey = "inline:gLB5XOZDpQglEhx6cfsTYeI7y4YwlIzZQBnoWqYP"

    /// The anchored side with a key for every suite the media engine implements, as the gateway has.
    var local: LocalMedia {
        var local = Anchor.local
        local.cryptoKeys = Anchor.keys.map { $0.merging([Self.gcm: Self.gcmKey]) { old, _ in old } }
        return local
    }

    func offer(_ cryptoLines: [String], proto: String = "RTP/SAVP") throws -> SessionDescription {
        let crypto = cryptoLines.map { "a=crypto:\($0)\r\n" }.joined()
        return try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"
            + "m=audio 5000 \(proto) 0\r\n\(crypto)")
    }

    func softphone(offering suites: [String]? = nil, accepting accepted: [String]? = nil) throws -> MediaProfile {
        var profile = try #require(Profiles.all["softphone-srtp"])
        if let suites { profile.cryptoSuites = suites }
        profile.acceptedCryptoSuites = accepted
        return profile
    }

    @Test func theDefaultAnswerAcceptsAGCMOnlyOffer() throws {
        let answer = try Negotiator(profile: softphone()).answer(to: offer(["3 \(Self.gcm) \(Self.peerGCMKey)"]), local: local)
        let crypto = try #require(answer.session.audio?.crypto)
        #expect(crypto.suite == Self.gcm)
        #expect(crypto.tag == 3)
        #expect(crypto.localKey == Self.gcmKey)
        #expect(answer.description.text.contains("a=crypto:3 AEAD_AES_128_GCM \(Self.gcmKey)\r\n"))
    }

    @Test func theAnswerTakesTheOfferersFirstSupportedLine() throws {
        let lines = ["1 AEAD_AES_256_GCM inline:Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9v",
                     "2 \(Self.cm32) \(Self.peerCMKey)", "3 \(Self.gcm) \(Self.peerGCMKey)", "4 \(Self.cm80) \(Self.peerCMKey)"]
        let answer = try Negotiator(profile: softphone()).answer(to: offer(lines), local: local)
        #expect(answer.session.audio?.crypto?.suite == Self.cm32)
        #expect(answer.session.audio?.crypto?.tag == 2)
        let gcmFirst = try Negotiator(profile: softphone()).answer(to: offer(Array(lines[2...]) + [lines[1]]), local: local)
        #expect(gcmFirst.session.audio?.crypto?.suite == Self.gcm)
        #expect(gcmFirst.session.audio?.crypto?.tag == 3)
    }

    @Test func aConfiguredListLimitsTheAnswer() throws {
        let gcmOnly = try softphone(offering: [Self.gcm], accepting: [Self.gcm])
        #expect(throws: NegotiationError.noAcceptableMedia([.init(index: 0, reason: .noCommonCryptoSuite)])) {
            try Negotiator(profile: gcmOnly).answer(to: offer(["1 \(Self.cm80) \(Self.peerCMKey)"]), local: local)
        }
        let lines = ["1 \(Self.cm80) \(Self.peerCMKey)", "2 \(Self.gcm) \(Self.peerGCMKey)"]
        let answer = try Negotiator(profile: gcmOnly).answer(to: offer(lines), local: local)
        #expect(answer.session.audio?.crypto?.suite == Self.gcm)
        #expect(answer.session.audio?.crypto?.tag == 2)
        // A configured list is the operator's preference: it wins over the offer's order.
        let preferring = try softphone(offering: [Self.gcm, Self.cm80], accepting: [Self.gcm, Self.cm80])
        let ordered = try Negotiator(profile: preferring).answer(to: offer(["1 \(Self.cm32) \(Self.peerCMKey)"] + lines), local: local)
        #expect(ordered.session.audio?.crypto?.suite == Self.gcm)
        #expect(ordered.session.audio?.crypto?.tag == 2)
        // Suite names compare case-insensitively; the answer spells ours.
        let lower = try Negotiator(profile: gcmOnly).answer(to: offer(["5 aead_aes_128_gcm \(Self.peerGCMKey)"]), local: local)
        #expect(lower.session.audio?.crypto?.suite == Self.gcm)
    }

    @Test func theOfferListsConfiguredSuitesInOrderWithTheirKeys() throws {
        let profile = try softphone(offering: [Self.gcm, Self.cm80], accepting: [Self.gcm, Self.cm80])
        let offer = Negotiator(profile: profile).offer(local: local)
        #expect(offer.media[0].proto == .rtpSAVP)
        #expect(offer.media[0].cryptos.map(\.suite) == [Self.gcm, Self.cm80])
        #expect(offer.media[0].cryptos.map(\.tag) == [1, 2])
        #expect(offer.text.contains("a=crypto:1 AEAD_AES_128_GCM \(Self.gcmKey)\r\n"))
        // The default offer is unchanged: the two AES-CM suites, no GCM.
        let plain = Negotiator(profile: try softphone()).offer(local: local)
        #expect(plain.media[0].cryptos.map(\.suite) == [Self.cm80, Self.cm32])
    }

    @Test func anAnswerChoosingGCMNegotiatesItsKeys() throws {
        let profile = try softphone(offering: [Self.gcm, Self.cm80], accepting: [Self.gcm, Self.cm80])
        let negotiator = Negotiator(profile: profile)
        let ours = negotiator.offer(local: local)
        let answer = try SessionDescription(parsing: "v=0\r\no=- 2 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
            + "m=audio 6000 RTP/SAVP 0\r\na=crypto:1 \(Self.gcm) \(Self.peerGCMKey)\r\n")
        let session = try negotiator.negotiate(offer: ours, answer: answer)
        let crypto = try #require(session.audio?.crypto)
        #expect(crypto.suite == Self.gcm)
        #expect(crypto.localKey == Self.gcmKey)
        #expect(crypto.remoteKeys.count == 1)
    }
}
