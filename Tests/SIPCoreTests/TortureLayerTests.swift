import Testing
@testable import SIPCore

/// RFC 4475 §3.1.2, §3.2, §3.3 and §3.4: what the layers above the parser need to see to
/// answer as the RFC says.
@Suite("RFC 4475 invalid, transaction, application and RFC 2543 messages: details")
struct TortureLayerTests {
    @Test("3.1.2.4 scalar02: CSeq rejected; Max-Forwards and expiry values readable for clamping")
    func scalar02() throws {
        let message = try parsedTorture("scalar02")
        #expect(throws: SIPGrammarError.self) { try message.cseq }
        #expect(message.maxForwards == 300)
        #expect(message.expires == Int(UInt32.max))
        let contactExpires = try message.contact.first?.expires
        #expect(contactExpires == UInt32.max)
    }

    @Test("3.1.2.11 escruri: the Request-URI's escaped headers are kept apart from the address")
    func escruri() throws {
        let ruri = try #require(try parsedTorture("escruri").requestURI?.sipURI)
        #expect(ruri.user == "user" && ruri.host == .name("example.com"))
        #expect(ruri.headers["Route"] == "%3Csip:example.com%3E")
    }

    @Test("3.1.2.14 badaspec: LWS inside <> is dropped from the canonical form")
    func badaspec() throws {
        let to = try #require(try parsedTorture("badaspec").to)
        #expect(to.displayName == "Watson, Thomas" && to.sipURI?.user == "t.watson")
        #expect(to.description == #""Watson, Thomas" <sip:t.watson@example.org>"#)
    }

    @Test("3.1.2.15 baddn: unquoted display names with non-token characters are rejected")
    func baddn() throws {
        let error = try #require(throws: SIPParseError.self) { try parsedTorture("baddn") }
        let partial = try #require(error.partialMessage)
        #expect(throws: SIPGrammarError.self) { try partial.from }
        #expect(throws: SIPGrammarError.self) { try partial.to }
        #expect(throws: SIPGrammarError.self) {
            try NameAddress(parsing: "Bell, Alexander <sip:a.g.bell@example.com>;tag=43")
        }
    }

    @Test("3.1.2.17-18 mismatch01/02: the CSeq method differs from the request method")
    func mismatch() throws {
        let options = try parsedTorture("mismatch01")
        #expect(options.method == .options)
        #expect(try options.cseq?.method == "INVITE")
        let unknown = try parsedTorture("mismatch02")
        let known: [SIPMethod] = [.invite, .ack, .bye, .cancel, .register, .options, .info, .update, .prack,
                                  .refer, .notify, .subscribe, .message, .publish]
        let method = try #require(unknown.method)
        #expect(method.rawValue == "NEWMETHOD" && !known.contains(method))
        #expect(try unknown.cseq?.method == "INVITE")
    }

    @Test("3.2.1 badbranch: a bare magic cookie is not an RFC 3261 transaction id")
    func badbranch() throws {
        let via = try #require(try parsedTorture("badbranch").topVia)
        #expect(via.branch == "z9hG4bK")
        #expect(!via.isRFC3261Branch)
    }

    @Test("3.3.2-4 unkscm, novelsc, unksm2: unknown schemes parse as URI.other")
    func unknownSchemes() throws {
        #expect(try parsedTorture("unkscm").requestURI == .other(scheme: "nobodyKnowsThisScheme",
                                                                  text: "nobodyKnowsThisScheme:totallyopaquecontent"))
        #expect(try parsedTorture("novelsc").requestURI?.scheme == "soap.beep")
        let message = try parsedTorture("unksm2")
        #expect(try message.to?.uri.scheme == "isbn")
        #expect(try message.from?.uri.scheme == "http")
        #expect(try message.from?.tag == "3234233")
        #expect(try message.contact.first?.nameAddress?.uri.scheme == "name")
    }

    @Test("3.3.5 bext01: Require and Proxy-Require option tags")
    func bext01() throws {
        let message = try parsedTorture("bext01")
        #expect(try message.require.tags == ["nothingSupportsThis", "nothingSupportsThisEither"])
        #expect(try message.proxyRequire.tags == ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"])
    }

    @Test("3.3.6 invut and 3.3.15 sdp01: Content-Type and Accept as sent")
    func contentTypes() throws {
        let invut = try parsedTorture("invut")
        #expect(try invut.contentType == MediaType(type: "application", subtype: "unknownformat"))
        #expect(invut.body.count == 40)
        let sdp01 = try parsedTorture("sdp01")
        #expect(try sdp01.contentType?.isSDP == true)
        #expect(sdp01.headers["Accept"] == "text/nobodyKnowsThis")
    }

    @Test("3.3.7 regaut01: an unknown authorization scheme is readable, not Digest")
    func regaut01() throws {
        let credentials = try #require(try parsedTorture("regaut01").authorization.first)
        #expect(credentials.scheme == "NoOneKnowsThisScheme" && !credentials.isDigest)
    }

    @Test("3.3.10 bcast: the second Via names a broadcast address")
    func bcast() throws {
        let via = try parsedTorture("bcast").via
        #expect(via.count == 2 && via[1].host == .ipv4("255.255.255.255"))
    }

    @Test("3.3.11 zeromf: Max-Forwards 0")
    func zeromf() throws {
        #expect(try parsedTorture("zeromf").maxForwards == 0)
    }

    @Test("3.3.12-13 cparam01/02: ;unknownparam is a Contact parameter without <>, a URI parameter inside")
    func contactParameters() throws {
        let bare = try #require(try parsedTorture("cparam01").contact.first?.nameAddress)
        #expect(bare.parameters.contains("unknownparam") && bare.sipURI?.parameters.isEmpty == true)
        let bracketed = try #require(try parsedTorture("cparam02").contact.first?.nameAddress)
        #expect(bracketed.parameters.isEmpty && bracketed.sipURI?.parameters.contains("unknownparam") == true)
    }

    @Test("3.3.14 regescrt: a Contact URI's escaped header is kept for the registrar")
    func regescrt() throws {
        let contact = try #require(try parsedTorture("regescrt").contact.first?.nameAddress?.sipURI)
        #expect(contact.headers["Route"] == "%3Csip:sip.example.com%3E")
    }

    @Test("3.4.1 inv2543: an RFC 2543 INVITE")
    func inv2543() throws {
        let message = try parsedTorture("inv2543")
        let via = try #require(try message.topVia)
        #expect(via.branch == nil && !via.isRFC3261Branch)
        #expect(message.maxForwards == nil && message.contentLength == nil)
        #expect(message.body.count == 105)
        let to = try #require(try message.to)
        #expect(to.parameters["user"] == "phone" && to.sipURI?.userParameter == nil)
        #expect(try message.from?.sipURI?.userParameter == "phone")
        #expect(try message.recordRoute.first?.sipURI?.maddr == "ss1.example.com")
    }
}
