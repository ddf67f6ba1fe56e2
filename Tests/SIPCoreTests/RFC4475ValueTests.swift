import Testing
@testable import SIPCore

/// Header values and URIs of the RFC 4475 torture messages, parsed by the value grammars alone
/// (the whole messages are the message parser's fixtures). Each case names its message.
@Suite struct RFC4475ValueTests {
    @Test func longreq() throws {
        // §3.1.1.7: very long values everywhere stay within the named limits.
        let name = String(repeating: "extreme", count: 10)
        let user = String(repeating: "amazinglylongcallername", count: 5)
        let parameterName = "unknownheaderparamname" + String(repeating: "name", count: 20)
        let parameterValue = "unknowheaderparamvalue" + String(repeating: "value", count: 20)
        let to = try NameAddress(parsing: "\"I have a user name of \(name) proportion\"<sip:user@one.example.com:6000;"
                                 + "unknownparamname=\(parameterValue);unknownparamnamenamenamenamenamenamename>;"
                                 + "tag=" + String(repeating: "1918181833n", count: 8) + ";\(parameterName)=\(parameterValue)")
        #expect(to.displayName?.hasSuffix("extreme proportion") == true)
        #expect(to.sipURI?.port == 6000)
        #expect(to.parameters[parameterName] == parameterValue)
        let from = try NameAddress(parsing: "sip:\(user)@example.net;tag=12982982")
        #expect(from.sipURI?.user == user)
        let via = try Via(parsing: "SIP/2.0/TCP sip33.example.com;branch=z9hG4bK" + String(repeating: "longbranch", count: 30))
        #expect(via.isRFC3261Branch)
    }

    @Test func intmeth() throws {
        // §3.1.1.2: unusual but valid user and password characters in the Request-URI.
        let uri = try URI(parsing: "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com")
        #expect(uri.sipURI?.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        #expect(try CSeq(parsing: "8 !interesting-Method0123456789_*+`.%indeed'~").method == "!interesting-Method0123456789_*+`.%indeed'~")
    }

    @Test func escapes() throws {
        // §3.1.1.3 (esc01), §3.1.1.4 (escnull), §3.1.1.5 (esc02).
        let to = try NameAddress(parsing: "sip:%75se%72@example.com")
        #expect(to.sipURI?.decodedUser == "user")
        #expect(try NameAddress(parsing: "<sip:I%20have%20spaces@example.net>;tag=938").sipURI?.decodedUser == "I have spaces")
        #expect(try NameAddress(parsing: "sip:null-%00-null@example.com;tag=839923423").sipURI?.decodedUser == "null-\u{0}-null")
        let contact = try ContactValue(parsing: "<sip:%00%00@host5.example.com>")
        #expect(contact.nameAddress?.sipURI?.decodedUser == "\u{0}\u{0}")
        let esc02 = try ContactValue(parsing: "<sip:cal%6Cer@host5.example.com;%6C%72;n%61me=v%61lue%25%34%31>")
        let uri = try #require(esc02.nameAddress?.sipURI)
        #expect(uri.isEquivalent(to: try SIPURI(parsing: "sip:caller@host5.example.com;lr;name=value%25%34%31")))
        #expect(try NameAddress(parsing: "\"%Z%45\" <sip:resource@example.com>").displayName == "%Z%45")
    }

    @Test func semiuriAndTransports() throws {
        // §3.1.1.9 (semiuri): the user part holds ";" and an escaped "@".
        let uri = try SIPURI(parsing: "sip:user;par=u%40example.net@example.com")
        #expect(uri.decodedUser == "user;par=u@example.net")
        #expect(uri.parameters.isEmpty)
        // §3.1.1.10 (transports).
        for transport in ["UDP", "SCTP", "TLS", "UNKNOWN", "TLS-SCTP"] {
            #expect(try Via(parsing: "SIP/2.0/\(transport) t1.example.com;branch=z9hG4bKkdjuw").transport == transport)
        }
    }

    @Test func unknownSchemesAndAuthorization() throws {
        // §3.3.2 (unkscm), §3.3.4 (unksm2), §3.3.7 (regaut01).
        #expect(try URI(parsing: "nobodyKnowsThisScheme:totallyopaquecontent") == .other(scheme: "nobodyKnowsThisScheme",
                                                                                          text: "nobodyKnowsThisScheme:totallyopaquecontent"))
        #expect(try NameAddress(parsing: "isbn:2983792873").uri.scheme == "isbn")
        #expect(try NameAddress(parsing: "<http://www.example.com>;tag=3234233").uri == .other(scheme: "http", text: "http://www.example.com"))
        #expect(!(try DigestCredentials(parsing: "NoOneKnowsThisScheme opaque-data=here")).isDigest)
    }

    @Test func contactParameters() throws {
        // §3.3.11 (cparam01), §3.3.12 (cparam02), §3.3.13 (regescrt).
        #expect(try ContactValue(parsing: "sip:+19725552222@gw1.example.net;unknownparam").nameAddress?.parameters.contains("unknownparam") == true)
        #expect(try ContactValue(parsing: "<sip:+19725552222@gw1.example.net;unknownparam>").nameAddress?.parameters.isEmpty == true)
        let escaped = try ContactValue(parsing: "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>")
        #expect(escaped.nameAddress?.sipURI?.headers["route"].flatMap(SIPEscaping.unescape) == "<sip:sip.example.com>")
    }

    @Test func scalar02() {
        // §3.1.2.4: overlarge scalars; CSeq and the port are errors, Contact expires saturates.
        #expect(throws: SIPGrammarError.self) { try CSeq(parsing: "36893488147419103232 REGISTER") }
        #expect(throws: SIPGrammarError.self) { try Via(parsing: "SIP/2.0/TCP host129.example.com:70000;branch=z9hG4bK1") }
        #expect((try? ContactValue(parsing: "<sip:user@host129.example.com>;expires=280297596632815"))?.expires == UInt32.max)
    }

    @Test func invalidValues() {
        // §3.1.2.6 (quotbal), §3.1.2.7 (ltgtruri), §3.1.2.8 (lwsruri), §3.1.2.13 (regbadct), §3.1.2.15 (baddn).
        #expect(throws: SIPGrammarError.self) { try NameAddress(parsing: "\"Mr. J. User <sip:j.user@example.com>") }
        #expect(throws: SIPGrammarError.self) { try URI(parsing: "<sip:user@example.com>") }
        #expect(throws: SIPGrammarError.self) { try URI(parsing: "sip:user@example.com; lr") }
        #expect(throws: SIPGrammarError.self) { try ContactValue(parsing: "sip:user@example.com?Route=%3Csip:sip.example.com%3E") }
        #expect(throws: SIPGrammarError.self) { try NameAddress(parsing: "Bell, Alexander <sip:a.g.bell@example.com>;tag=43") }
        #expect(throws: SIPGrammarError.self) { try NameAddress(parsing: "Watson, Thomas <sip:t.watson@example.org>") }
    }

    @Test func liberalChoices() throws {
        // §3.1.2.14 (badaspec): spaces inside <>; accepted (unambiguous), written without them.
        let to = try NameAddress(parsing: "\"Watson, Thomas\" < sip:t.watson@example.org >")
        #expect(to.description == "\"Watson, Thomas\" <sip:t.watson@example.org>")
        // §3.1.2.11 (escruri): URI headers are valid in a URI; that a Request-URI may not carry
        // them is the message layer's rule.
        #expect(try URI(parsing: "sip:user@example.com?Route=%3Csip:example.com%3E").sipURI?.headers.count == 1)
    }
}
