import SDP
import Testing

@Suite struct AttributeTests {
    @Test func rtpmapChannelsAndText() throws {
        let opus = try RTPMap(parsing: "111 opus/48000/2")
        #expect(opus.payloadType == 111 && opus.encodingName == "opus" && opus.clockRate == 48000 && opus.channels == 2)
        #expect(opus.description == "111 opus/48000/2")
        #expect(try RTPMap(parsing: "9 G722/8000").channels == 1)
        #expect(RTPMap.staticMapping(for: 9) == RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000))
        #expect(RTPMap.staticMapping(for: 96) == nil)
    }

    @Test func fmtpPairs() throws {
        let fmtp = try FormatParameters(parsing: "106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1")
        #expect(fmtp.format == "106")
        #expect(fmtp.value(for: "minptime") == "20")
        #expect(fmtp.value(for: "USEINBANDFEC") == "1")
        #expect(fmtp.pairs.count == 3)
        let events = try FormatParameters(parsing: "101 0-15")
        #expect(events.pairs.first?.key == "0-15" && events.pairs.first?.value == nil)
        #expect(try FormatParameters(parsing: "101").parameters == "")
    }

    @Test func cryptoWithLifetimeMKIAndSessionParameters() throws {
        let crypto = try CryptoAttribute(parsing:
            "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;inline:QUJjZGVmZ2hpSktMbW9QUXJzVFVWd3l6MTIzNDU2|2^20|2:4 KDR=1 UNENCRYPTED_SRTCP")
        #expect(crypto.tag == 1)
        #expect(crypto.suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(crypto.keys.count == 2)
        #expect(crypto.keys[0].method == "inline")
        #expect(crypto.keys[0].keySalt == "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")
        #expect(crypto.keys[0].lifetime == "2^20")
        #expect(crypto.keys[0].mki?.value == "1" && crypto.keys[0].mki?.length == "4")
        #expect(crypto.sessionParameters == ["KDR=1", "UNENCRYPTED_SRTCP"])
        #expect(crypto.description ==
            "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;inline:QUJjZGVmZ2hpSktMbW9QUXJzVFVWd3l6MTIzNDU2|2^20|2:4 KDR=1 UNENCRYPTED_SRTCP")
        let mkiOnly = try CryptoAttribute.KeyParameter(parsing: "inline:abc|1:4")
        #expect(mkiOnly.lifetime == nil && mkiOnly.mki?.value == "1")
    }

    @Test func fingerprintSetupAndRTCP() throws {
        let fingerprint = try FingerprintAttribute(parsing: "sha-256 F1:53:C5:E7")
        #expect(fingerprint.hashFunction == "sha-256" && fingerprint.fingerprint == "F1:53:C5:E7")
        #expect(try SetupRole(parsing: "ACTPASS") == .actpass)
        #expect(try RTCPAttribute(parsing: "53020").port == 53020)
        let withAddress = try RTCPAttribute(parsing: "53020 IN IP4 126.16.64.4")
        #expect(withAddress.connection?.address == "126.16.64.4")
        #expect(withAddress.description == "53020 IN IP4 126.16.64.4")
    }

    @Test func ssrcAndFeedback() throws {
        #expect(try SSRCAttribute(parsing: "314159 cname:user@example.com").value == "user@example.com")
        #expect(try SSRCAttribute(parsing: "314159 previous-ssrc").value == nil)
        let feedback = try RTCPFeedback(parsing: "96 nack pli")
        #expect(feedback.format == "96" && feedback.feedback == "nack pli")
        #expect(try RTCPFeedback(parsing: "* ccm fir").format == "*")
    }

    @Test func mediaLevelAccessors() throws {
        let sdp = try SessionDescription(parsing: """
            v=0\r
            o=- 1 1 IN IP4 10.0.0.1\r
            s=-\r
            c=IN IP4 10.0.0.1\r
            t=0 0\r
            a=sendonly\r
            m=audio 4000 RTP/SAVPF 96 0\r
            a=rtpmap:96 opus/48000/2\r
            a=fmtp:96 useinbandfec=1\r
            a=ptime:40\r
            a=maxptime:120\r
            a=rtcp-mux\r
            a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:abc\r
            a=fingerprint:sha-1 AB:CD\r
            a=setup:passive\r
            a=mid:a1\r
            a=rtcp-fb:96 nack\r
            m=video 4002 RTP/AVP 96\r
            a=inactive\r

            """)
        let audio = sdp.media[0]
        #expect(audio.formatParameters(for: "96")?.parameters == "useinbandfec=1")
        #expect(audio.ptime == 40 && audio.maxptime == 120)
        #expect(audio.rtcpMux)
        #expect(audio.cryptos.map(\.tag) == [3])
        #expect(audio.fingerprints.map(\.hashFunction) == ["sha-1"])
        #expect(audio.setup == .passive)
        #expect(audio.mid == "a1")
        #expect(audio.rtcpFeedback.count == 1)
        #expect(audio.proto.isSecure && audio.proto.hasFeedback && !audio.proto.isDTLS)
        #expect(audio.payloadTypes == [96, 0])
        // Session-level direction applies unless the stream has its own (RFC 8866 §6.7).
        #expect(sdp.direction(ofMedia: 0) == .sendonly)
        #expect(sdp.direction(ofMedia: 1) == .inactive)
    }

    @Test func transportProtocolQuestions() {
        #expect(TransportProtocol.dtlsSAVPF.isDTLS && TransportProtocol.dtlsSAVPF.isSecure)
        #expect(TransportProtocol("UDP/TLS/RTP/SAVP").isDTLS)
        #expect(!TransportProtocol.udptl.isRTP)
        #expect(TransportProtocol("rtp/avp") == .rtpAVP)
        #expect(MediaType("AUDIO") == .audio)
    }

    /// The questions read the token case-insensitively, as its Unicode upper-casing would.
    @Test(arguments: [
        ("rtp/savpf", true, true, true, false), ("Udp/Tls/Rtp/SavpF", true, true, true, true),
        ("RTP/AVP", true, false, false, false), ("udptl", false, false, false, false),
        ("TCP/RTP/AVPF", true, false, true, false), ("RTP/", true, false, false, false), ("", false, false, false, false),
        ("rtp/ſavp", true, true, false, false), ("RTP/AVP\u{0301}F", true, false, false, false),
    ])
    func transportProtocolQuestionsIgnoreCase(token: String, rtp: Bool, secure: Bool, feedback: Bool, dtls: Bool) {
        let proto = TransportProtocol(token)
        #expect(proto.isRTP == rtp)
        #expect(proto.isSecure == secure)
        #expect(proto.hasFeedback == feedback)
        #expect(proto.isDTLS == dtls)
    }

    @Test(arguments: [
        (MediaDirection.sendrecv, MediaDirection.sendrecv),
        (.sendonly, .recvonly),
        (.recvonly, .sendonly),
        (.inactive, .inactive),
    ])
    func directionAnswersRFC3264(_ offered: MediaDirection, _ answered: MediaDirection) {
        #expect(offered.answer() == answered)
    }

    @Test func directionAnswerWithLocalHold() {
        #expect(MediaDirection.sendrecv.answer(wanting: .sendonly) == .sendonly)
        #expect(MediaDirection.sendonly.answer(wanting: .sendonly) == .inactive)
        #expect(MediaDirection.recvonly.answer(wanting: .recvonly) == .inactive)
    }

    @Test func setDirectionReplacesTheOldOne() {
        var attributes = [Attribute("rtpmap", "0 PCMU/8000"), Attribute("sendrecv"), Attribute("ptime", "20")]
        attributes.setDirection(.sendonly)
        #expect(attributes.map(\.text) == ["rtpmap:0 PCMU/8000", "ptime:20", "sendonly"])
    }

    @Test(arguments: [("1", "2"), ("9", "10"), ("199", "200"), ("18446744073709551615", "18446744073709551616")])
    func originVersionIncrements(_ before: String, _ after: String) {
        let origin = Origin(sessionID: "1", sessionVersion: before, address: "10.0.0.1")
        #expect(origin.incrementingVersion().sessionVersion == after)
    }

    @Test func h264DefaultsAndMatching() {
        let absent = H264Parameters(formatParameters: nil)
        #expect(absent.profileIDC == 0x42 && absent.levelIDC == 0x0A && absent.packetizationMode == 0)
        func parameters(_ text: String) -> H264Parameters {
            H264Parameters(formatParameters: FormatParameters(format: "96", parameters: text))
        }
        let baseline31 = parameters("profile-level-id=42801F;packetization-mode=1")
        let constrained31 = parameters("profile-level-id=42e01f;packetization-mode=1")
        let constrained13Mode0 = parameters("profile-level-id=42e00d")
        let high = parameters("profile-level-id=640028;packetization-mode=1")
        #expect(baseline31.isCompatible(with: constrained31))
        #expect(!baseline31.isCompatible(with: constrained13Mode0))
        #expect(!baseline31.isCompatible(with: high))
        #expect(parameters("profile-level-id=4d0028;packetization-mode=1").isCompatible(with: high) == false)
        // RFC 6184 §8.2.2: the answer keeps the offered profile at the lower level.
        #expect(constrained31.answer(to: parameters("profile-level-id=42e028;packetization-mode=1")).formatParameterText
                == "profile-level-id=42e01f;packetization-mode=1")
        #expect(constrained31.answer(to: baseline31).formatParameterText == "profile-level-id=42801f;packetization-mode=1")
    }
}
