import Testing
@testable import SIPCore

@Suite struct CSeqTests {
    @Test func parsesAndWrites() throws {
        let cseq = try CSeq(parsing: "4711 INVITE")
        #expect(cseq.sequenceNumber == 4711)
        #expect(cseq.method == "INVITE")
        #expect(cseq.description == "4711 INVITE")
        // RFC 4475 §3.1.1.1 (wsinv): leading zeros and a folded line.
        let folded = try CSeq(parsing: "0009\r\n  INVITE")
        #expect(folded.sequenceNumber == 9)
        #expect(try CSeq(parsing: " 4294967295 FOO ").sequenceNumber == UInt32.max)
        #expect(try CSeq(parsing: "1 invite").method == "invite", "methods are case-sensitive")
    }

    @Test func rejects() {
        let cases: [(String, SIPGrammarError)] = [
            // RFC 4475 §3.1.2.4 (scalar02): an overlarge CSeq number.
            ("36893488147419103232 INVITE", SIPGrammarError(.numberOutOfRange, in: .number, at: 0)),
            ("4294967296 INVITE", SIPGrammarError(.numberOutOfRange, in: .number, at: 0)),
            ("INVITE", SIPGrammarError(.unexpectedByte(UInt8(ascii: "I")), in: .number, at: 0)),
            ("1INVITE", SIPGrammarError(.unexpectedByte(UInt8(ascii: "I")), in: .cseq, at: 1)),
            ("1 ", SIPGrammarError(.unexpectedEnd, in: .cseq, at: 2)),
            ("1 INVITE BYE", SIPGrammarError(.unexpectedByte(UInt8(ascii: "B")), in: .cseq, at: 9)),
            ("-1 INVITE", SIPGrammarError(.unexpectedByte(UInt8(ascii: "-")), in: .number, at: 0)),
        ]
        for (text, error) in cases {
            #expect(throws: error, "\(text)") { try CSeq(parsing: text) }
        }
    }
}

@Suite struct RAckTests {
    @Test func parsesAndWrites() throws {
        // RFC 3262 §7.2 example.
        let rack = try RAck(parsing: "776656 1 INVITE")
        #expect(rack.responseNumber == 776656)
        #expect(rack.cseqNumber == 1)
        #expect(rack.method == "INVITE")
        #expect(rack.description == "776656 1 INVITE")
        #expect(RAck(responseNumber: 2, cseqNumber: 3, method: "INVITE").description == "2 3 INVITE")
    }

    @Test func rejects() {
        #expect(throws: SIPGrammarError(.unexpectedEnd, in: .rack, at: 6)) { try RAck(parsing: "776656") }
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: "I")), in: .rack, at: 7)) { try RAck(parsing: "776656 INVITE") }
        #expect(throws: SIPGrammarError(.numberOutOfRange, in: .rack, at: 0)) { try RAck(parsing: "99999999999 1 INVITE") }
    }
}

@Suite struct SessionExpiresTests {
    @Test func parsesRefresher() throws {
        // RFC 4028 §4 examples.
        let value = try SessionExpires(parsing: "4000;refresher=uac")
        #expect(value.seconds == 4000)
        #expect(value.refresher == .uac)
        #expect(try SessionExpires(parsing: "1800").refresher == nil)
        #expect(try SessionExpires(parsing: "90 ; Refresher = UAS ; x=y").refresher == .uas)
        var built = SessionExpires(seconds: 1800, refresher: .uas)
        #expect(built.description == "1800;refresher=uas")
        built.refresher = nil
        #expect(built.description == "1800")
    }

    @Test func rejects() {
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .sessionExpires, at: 0)) {
            try SessionExpires(parsing: "1800;refresher=proxy")
        }
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: "a")), in: .sessionExpires, at: 0)) {
            try SessionExpires(parsing: "abc")
        }
        #expect(throws: SIPGrammarError(.numberOutOfRange, in: .sessionExpires, at: 0)) {
            try SessionExpires(parsing: "99999999999")
        }
    }
}

@Suite struct ReasonTests {
    @Test func parsesRFC3326Examples() throws {
        let sip = try Reason(parsing: "SIP ;cause=200 ;text=\"Call completed elsewhere\"")
        #expect(sip.isSIP)
        #expect(sip.cause == 200)
        #expect(sip.text == "Call completed elsewhere")
        let q850 = try Reason(parsing: "Q.850 ;cause=16 ;text=\"Terminated\"")
        #expect(q850.isQ850)
        #expect(q850.cause == 16)
        #expect(Reason(protocolName: "Q.850", cause: 16, text: "Say \"bye\"").description
                == "Q.850;cause=16;text=\"Say \\\"bye\\\"\"")
        #expect(try Reason(parsing: "preemption ;cause=1 ;text=\"UA Preemption\"").protocolName == "preemption")
    }

    @Test func rejects() {
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .reason, at: 0)) { try Reason(parsing: "SIP;cause=abc") }
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .reason, at: 0)) { try Reason(parsing: "SIP;text=bare") }
        #expect(throws: SIPGrammarError(.unexpectedEnd, in: .quotedString, at: 14)) { try Reason(parsing: "SIP;text=\"open") }
    }
}

@Suite struct OptionTagsTests {
    @Test func parsesLists() throws {
        let tags = try OptionTags(parsing: "100rel, timer ,replaces,,")
        #expect(tags.tags == ["100rel", "timer", "replaces"])
        #expect(tags.contains("TIMER"))
        #expect(!tags.contains("path"))
        #expect(tags.description == "100rel, timer, replaces")
        #expect(try OptionTags(parsing: "").isEmpty)
        #expect(try OptionTags(parsing: " \r\n ").isEmpty)
        #expect(try OptionTags(parsing: "outbound").contains(OptionTags.outbound))
    }

    @Test func rejects() {
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: "/")), in: .optionTag, at: 3)) {
            try OptionTags(parsing: "foo/bar")
        }
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: "b")), in: .optionTag, at: 4)) {
            try OptionTags(parsing: "foo bar")
        }
        let many = Array(repeating: "t", count: SIPGrammarLimits.maxOptionTags + 1).joined(separator: ",")
        #expect(throws: SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxOptionTags), in: .optionTag, at: 128)) {
            try OptionTags(parsing: many)
        }
    }
}

@Suite struct MediaTypeTests {
    @Test func parsesAndMatches() throws {
        let sdp = try MediaType(parsing: "Application/SDP")
        #expect(sdp.isSDP)
        #expect(sdp.matches(.sdp))
        let multipart = try MediaType(parsing: "multipart/mixed;boundary=\"unique-boundary-1\" ; charset=utf-8")
        #expect(multipart.matches(.multipartMixed))
        #expect(multipart.parameter("boundary") == "unique-boundary-1")
        #expect(multipart.parameter("CHARSET") == "utf-8")
        #expect(multipart.description == "multipart/mixed;boundary=\"unique-boundary-1\";charset=utf-8")
        #expect(try MediaType(parsing: "text / plain").subtype == "plain")
        #expect(!(try MediaType(parsing: "application/dtmf-relay")).isSDP)
    }

    @Test func rejects() {
        #expect(throws: SIPGrammarError(.unexpectedEnd, in: .mediaType, at: 11)) { try MediaType(parsing: "application") }
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .mediaType, at: 0)) { try MediaType(parsing: "a/b;flag") }
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: ",")), in: .mediaType, at: 15)) {
            try MediaType(parsing: "application/sdp, text/plain")
        }
    }
}

@Suite struct ContactValueTests {
    @Test func parsesWildcardAndParameters() throws {
        #expect(try ContactValue(parsing: " * ") == .wildcard)
        #expect(ContactValue.wildcard.description == "*")
        let contact = try ContactValue(parsing: "<sip:alice@192.0.2.4;transport=tcp>;q=0.7;expires=3600;reg-id=1;"
                                       + "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"")
        #expect(contact.q == QValue(thousandths: 700))
        #expect(contact.expires == 3600)
        #expect(contact.regID == 1)
        #expect(contact.instance == "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>")
        #expect(contact.nameAddress?.sipURI?.transport == "tcp")
        // RFC 4475 §3.3.11 (cparam01): an addr-spec's parameters are contact parameters.
        let addrSpec = try ContactValue(parsing: "sip:+19725552222@gw1.example.net;unknownparam")
        #expect(addrSpec.nameAddress?.parameters.contains("unknownparam") == true)
        #expect(addrSpec.nameAddress?.sipURI?.parameters.isEmpty == true)
        // RFC 4475 §3.3.12 (cparam02): inside brackets they are URI parameters.
        let bracketed = try ContactValue(parsing: "<sip:+19725552222@gw1.example.net;unknownparam>")
        #expect(bracketed.nameAddress?.sipURI?.parameters.contains("unknownparam") == true)
        #expect(try ContactValue(parsing: "<sip:a@b.c>;expires=99999999999").expires == UInt32.max)
        #expect(try ContactValue(parsing: "<sip:a@b.c>;expires=soon").expires == nil)
        #expect(try ContactValue(parsing: "<sip:a@b.c>;reg-id=0").regID == nil)
    }

    @Test func rejectsBadQAndStrayWildcard() {
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .contact, at: 0)) { try ContactValue(parsing: "<sip:a@b.c>;q=1.5") }
        #expect(throws: SIPGrammarError(.invalidParameterValue, in: .contact, at: 0)) { try ContactValue(parsing: "<sip:a@b.c>;q") }
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: ";")), in: .contact, at: 1)) { try ContactValue(parsing: "*;q=1") }
    }

    @Test func qValues() throws {
        let cases: [(String, UInt16?)] = [("0", 0), ("1", 1000), ("1.000", 1000), ("0.5", 500), ("0.125", 125), ("0.", 0),
                                           ("1.001", nil), ("0.1234", nil), ("2", nil), (".5", nil), ("", nil)]
        for (text, expected) in cases {
            let parsed = try? QValue(parsing: text)
            #expect(parsed?.thousandths == expected, "\(text)")
        }
        #expect(QValue(thousandths: 500).description == "0.5")
        #expect(QValue(thousandths: 125).description == "0.125")
        #expect(QValue(thousandths: 0).description == "0")
        #expect(QValue(thousandths: 1000).description == "1")
        #expect(QValue(thousandths: 70) < QValue(thousandths: 700))
    }
}
