import SDP
import Testing

/// Offer/answer properties that the golden files show by example, checked one by one.
@Suite struct NegotiatorTests {
    let local = Anchor.local

    func offer(_ media: String, session: String = "c=IN IP4 192.0.2.7\r\n") throws -> SessionDescription {
        try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\n\(session)t=0 0\r\n\(media)")
    }

    func profile(_ name: String) throws -> MediaProfile {
        try #require(Profiles.all[name])
    }

    @Test func answerUsesOnlyTheAnchoredAddress() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP4 192.0.2.8\r\n")
        let answer = try Negotiator(profile: profile("carrier")).answer(to: sdp, local: local)
        #expect(!answer.description.text.contains("192.0.2."))
        #expect(answer.description.connection?.address == "203.0.113.10")
        #expect(answer.description.origin.address == "203.0.113.10")
        #expect(answer.description.media[0].port == 40000)
        #expect(answer.session.audio?.remoteAddress == "192.0.2.7")
        #expect(answer.session.audio?.remoteRTCPPort == 5001)
    }

    @Test func ipv6AnchorWritesIP6Lines() throws {
        var v6 = local
        v6.address = "2001:db8::10"
        let answer = try Negotiator(profile: profile("carrier")).answer(to: try offer("m=audio 5000 RTP/AVP 8\r\n"), local: v6)
        #expect(answer.description.text.hasPrefix("v=0\r\no=gatehouse 1700000000 1 IN IP6 2001:db8::10\r\ns=gatehouse\r\nc=IN IP6 2001:db8::10\r\n"))
    }

    @Test func answerUsesTheOfferersPayloadTypes() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 120 121 122\r\na=rtpmap:120 opus/48000/2\r\na=rtpmap:121 PCMA/8000\r\na=rtpmap:122 telephone-event/8000\r\n")
        let answer = try Negotiator(profile: profile("carrier")).answer(to: sdp, local: local)
        #expect(answer.description.media[0].formats == ["121", "122"])
        #expect(answer.session.audio?.codec?.sendPayloadType == 121)
        #expect(answer.session.audio?.codec?.receivePayloadType == 121)
        #expect(answer.session.audio?.telephoneEvent(clockRate: 8000)?.receivePayloadType == 122)
    }

    @Test func telephoneEventOnlyAtChosenClockRates() throws {
        // Carrier profile chooses G.711 (8000): the offered /48000 event is not answered.
        let sdp = try offer("m=audio 5000 RTP/AVP 96 0 97 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:97 telephone-event/48000\r\na=rtpmap:101 telephone-event/8000\r\n")
        let answer = try Negotiator(profile: profile("carrier")).answer(to: sdp, local: local)
        #expect(answer.session.audio?.telephoneEvents.map(\.clockRate) == [8000])
        #expect(answer.description.media[0].formats == ["0", "101"])
        // No telephone-event in the offer: none in the answer.
        let plain = try Negotiator(profile: profile("carrier")).answer(to: try offer("m=audio 5000 RTP/AVP 8\r\n"), local: local)
        #expect(plain.session.audio?.telephoneEvents.isEmpty == true)
        // Profile without telephone-event: none either.
        var noEvents = try profile("carrier")
        noEvents.telephoneEvent = false
        let declined = try Negotiator(profile: noEvents).answer(to: sdp, local: local)
        #expect(declined.description.media[0].formats == ["0"])
    }

    @Test func opusWithoutChannelCountStillMatches() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus/48000\r\n")
        let answer = try Negotiator(profile: profile("softphone")).answer(to: sdp, local: local)
        #expect(answer.description.media[0].attributes.first?.text == "rtpmap:96 opus/48000/2")
    }

    @Test func noCommonCodecIs488() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 18\r\n")
        #expect(throws: NegotiationError.noAcceptableMedia([.init(index: 0, reason: .noCommonCodec)])) {
            try Negotiator(profile: profile("carrier")).answer(to: sdp, local: local)
        }
    }

    @Test func missingLocalPortRefusesTheStream() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 0\r\nm=audio 5002 RTP/AVP 0\r\n")
        var oneport = local
        oneport.ports = [40000]
        let answer = try Negotiator(profile: profile("carrier")).answer(to: sdp, local: oneport)
        #expect(answer.session.streams.map(\.rejection) == [nil, .noLocalPort])
        #expect(answer.description.media.map(\.port) == [40000, 0])
    }

    @Test func missingConnectionRefusesTheStream() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 0\r\n", session: "")
        #expect(throws: NegotiationError.noAcceptableMedia([.init(index: 0, reason: .noConnection)])) {
            try Negotiator(profile: profile("carrier")).answer(to: sdp, local: local)
        }
    }

    @Test func disabledStreamInOfferStaysDisabled() throws {
        let sdp = try offer("m=video 0 RTP/AVP 96\r\nm=audio 5000 RTP/AVP 0\r\n")
        let answer = try Negotiator(profile: profile("door")).answer(to: sdp, local: local)
        #expect(answer.description.media.map(\.port) == [0, 40002])
        #expect(answer.session.streams[0].rejection == .disabledInOffer)
    }

    @Test func srtpRequiredRefusesPlainOffers() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 0\r\n")
        #expect(throws: NegotiationError.noAcceptableMedia([.init(index: 0, reason: .srtpRequired)])) {
            try Negotiator(profile: profile("softphone-srtp")).answer(to: sdp, local: local)
        }
    }

    @Test func cryptoWithMKIOrSessionParametersIsNotChosen() throws {
        let sdp = try offer("""
            m=audio 5000 RTP/SAVP 0\r
            a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:gLB5XOZDpQglEhx6cfsTYeI7y4YwlIzZQBnoWqYP|2^31|1:4\r
            a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:gLB5XOZDpQglEhx6cfsTYeI7y4YwlIzZQBnoWqYP UNENCRYPTED_SRTP\r

            """)
        #expect(throws: NegotiationError.noAcceptableMedia([.init(index: 0, reason: .noCommonCryptoSuite)])) {
            try Negotiator(profile: profile("softphone-srtp")).answer(to: sdp, local: local)
        }
    }

    @Test func cryptoNeedsALocalKey() throws {
        let sdp = try offer("m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_256_GCM inline:gLB5XOZDpQglEhx6cfsTYeI7y4YwlIzZQBnoWqYP\r\n")
        var withGCM = try profile("softphone-srtp")
        withGCM.cryptoSuites = ["AEAD_AES_256_GCM"]
        #expect(throws: NegotiationError.self) { try Negotiator(profile: withGCM).answer(to: sdp, local: local) }
        var keyed = local
        keyed.cryptoKeys = [["AEAD_AES_256_GCM": "inline:Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9v"]]
        let answer = try Negotiator(profile: withGCM).answer(to: sdp, local: keyed)
        #expect(answer.session.audio?.crypto?.suite == "AEAD_AES_256_GCM")
    }

    @Test func h264ProfileMismatchRejectsOnlyVideo() throws {
        let sdp = try offer("m=audio 5000 RTP/AVP 0\r\nm=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=640028;packetization-mode=1\r\n")
        let answer = try Negotiator(profile: profile("softphone-video")).answer(to: sdp, local: local)
        #expect(answer.session.streams.map(\.rejection) == [nil, .noCommonCodec])
        #expect(answer.description.media[1].text == "m=video 0 RTP/AVP 96\r\n")
    }

    @Test func h264FeedbackIsEchoedOnAVPF() throws {
        let sdp = try offer("m=video 5002 RTP/AVPF 96 97\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\na=rtpmap:97 VP8/90000\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:97 ccm fir\r\na=rtcp-fb:* ccm fir\r\n")
        let answer = try Negotiator(profile: profile("softphone-video")).answer(to: sdp, local: local)
        #expect(answer.description.media[0].rtcpFeedback.map(\.description) == ["96 nack pli", "* ccm fir"])
    }

    @Test func localHoldAnswersSendonly() throws {
        var holding = local
        holding.direction = .sendonly
        let answer = try Negotiator(profile: profile("carrier")).answer(to: try offer("m=audio 5000 RTP/AVP 0\r\n"), local: holding)
        #expect(answer.session.audio?.direction == .sendonly)
        #expect(answer.description.media[0].attributes.direction == .sendonly)
    }

    // MARK: Offers

    @Test func offerAllocatesStaticThenDynamicPayloadTypes() throws {
        let codecs = [Profiles.opusWithFEC] + (0..<6).map { Codec(media: .audio, name: "X\($0)", clockRate: 8000) } + [.pcmu]
        let profile = MediaProfile(name: "many", audioCodecs: codecs)
        let offer = Negotiator(profile: profile).offer(local: local)
        // 101 stays free for telephone-event/8000; telephone-event/48000 takes the next number.
        #expect(offer.media[0].formats == ["96", "97", "98", "99", "100", "102", "103", "0", "104", "101"])
        #expect(offer.media[0].rtpMap(for: 104)?.description == "104 telephone-event/48000")
        #expect(offer.media[0].rtpMap(for: 101)?.description == "101 telephone-event/8000")
    }

    @Test func offerLeavesOutWhatTheProfileCannotSpeak() throws {
        let offer = Negotiator(profile: try profile("carrier")).offer(local: local, media: [.audio, .video, .image])
        #expect(offer.media.map(\.media) == [.audio])
    }

    @Test func offerAnswerBetweenTwoNegotiators() throws {
        // The two legs of a B2BUA, each side pure: our softphone-leg offer answered by a
        // negotiator with the door profile, then read back.
        let softphone = Negotiator(profile: try profile("softphone"))
        let ourOffer = softphone.offer(local: local)
        var peer = local
        peer.address = "198.51.100.9"
        peer.ports = [6000]
        let peerAnswer = try Negotiator(profile: profile("door-audio")).answer(to: ourOffer, local: peer)
        let result = try softphone.negotiate(offer: ourOffer, answer: peerAnswer.description)
        #expect(result.audio?.codec?.codec.name == "G722")
        #expect(result.audio?.remoteAddress == "198.51.100.9")
        #expect(result.audio?.remotePort == 6000)
        #expect(result.audio?.telephoneEvents.map(\.clockRate) == [8000])
        #expect(result.audio?.crypto == nil)
    }

    @Test func answerWithWrongStreamCountOrKindIsRefused() throws {
        let negotiator = Negotiator(profile: try profile("door"))
        let ourOffer = negotiator.offer(local: local, media: [.audio, .video])
        let oneStream = try offer("m=audio 5000 RTP/AVP 0\r\n")
        #expect(throws: NegotiationError.streamCountMismatch(offered: 2, answered: 1)) {
            try negotiator.negotiate(offer: ourOffer, answer: oneStream)
        }
        let swapped = try offer("m=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 5000 RTP/AVP 0\r\n")
        #expect(throws: NegotiationError.mediaMismatch(index: 0)) {
            try negotiator.negotiate(offer: ourOffer, answer: swapped)
        }
    }
}
