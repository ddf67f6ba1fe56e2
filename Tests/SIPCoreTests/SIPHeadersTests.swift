import Testing
@testable import SIPCore

@Suite struct SIPHeadersTests {
    static func strings(_ values: [ArraySlice<UInt8>]) -> [String] {
        values.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("v", HeaderName.via), ("f", .from), ("t", .to), ("i", .callID), ("m", .contact), ("l", .contentLength),
        ("c", .contentType), ("k", .supported), ("s", .subject), ("e", .contentEncoding), ("o", .event),
        ("r", .referTo), ("u", .allowEvents), ("x", .sessionExpires), ("b", .referredBy),
    ])
    func compactFormsResolve(compact: String, full: HeaderName) {
        #expect(HeaderName(compact) == full)
        #expect(HeaderName(compact.uppercased()) == full)
        #expect(full.compactForm == Character(compact))
    }

    @Test func lookupMatchesTheTable() {
        for (offset, known) in HeaderName.table.enumerated() {
            let code = UInt8(offset + 1)
            #expect(HeaderName.code(for: ArraySlice(known.name.utf8)) == code, "\(known.name)")
            #expect(HeaderName.code(for: ArraySlice(known.name.uppercased().utf8)) == code, "\(known.name)")
            if known.name.count > 2 { #expect(HeaderName.code(for: ArraySlice(known.name.dropLast().utf8)) != code, "\(known.name)") }
            #expect(HeaderName.code(for: ArraySlice((known.name + "x").utf8)) == 0, "\(known.name)")
            if let compact = known.compact {
                #expect(HeaderName.code(for: [compact][...]) == code, "\(known.name)")
            }
        }
        #expect(HeaderName.code(for: ArraySlice("".utf8)) == 0)
        #expect(HeaderName.code(for: ArraySlice("Via_".utf8)) == 0)
        #expect(HeaderName.code(for: ArraySlice("Vib".utf8)) == 0)
    }

    @Test func namesCompareCaseInsensitively() {
        #expect(HeaderName("cALL-id") == .callID)
        #expect(HeaderName("CALL-ID").canonicalName == "Call-ID")
        #expect(HeaderName("www-authenticate").canonicalName == "WWW-Authenticate")
        #expect(HeaderName("X-Custom") == HeaderName("x-CUSTOM"))
        #expect(HeaderName("X-Custom").canonicalName == "X-Custom")
        #expect(HeaderName("X-Custom") != HeaderName("X-Other"))
        #expect(HeaderName("X-Custom").hashValue == HeaderName("x-custom").hashValue)
        #expect(HeaderName("z") != .via)  // an unassigned compact letter is just a name
    }

    @Test func compactAndOddlyCasedFieldsAreFound() throws {
        let message = try parse("""
            INVITE sip:bob@biloxi.com SIP/2.0
            v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds
            MAX-FORWARDS: 70
            t: <sip:bob@biloxi.com>
            f: <sip:alice@atlanta.com>;tag=1928301774
            i: a84b4c76e66710
            cseq: 314159 INVITE
            m: <sip:alice@pc33.atlanta.com>
            Subject   :   lunch?  \("")
            x-CUSTOM: yes
            l: 0


            """)
        #expect(message.callID == "a84b4c76e66710")
        #expect(message.maxForwards == 70)
        #expect(message.headers[.subject] == "lunch?")
        #expect(message.headers[HeaderName("X-Custom")] == "yes")
        #expect(message.headers[0].rawName.elementsEqual("v".utf8))
        #expect(message.headers[0].name == .via)
        #expect(message.headers[8].name == HeaderName("x-custom"))
        #expect(message.headers.indices(of: .to) == [2])
        #expect(message.headers.map(\.name) == [
            .via, .maxForwards, .to, .from, .callID, .cseq, .contact, .subject, HeaderName("X-Custom"), .contentLength,
        ])
        #expect(message.headers.map(\.valueString).last == "0")
    }

    @Test func foldedValuesReadAsOneLine() throws {
        let text = """
            OPTIONS sip:bob@biloxi.com SIP/2.0
            Via: SIP/2.0/UDP pc33.atlanta.com
              ;branch=z9hG4bK776asdhds
            To: <sip:bob@biloxi.com>
            From: <sip:alice@atlanta.com>;tag=1
            Call-ID: abc
            CSeq: 1 OPTIONS
            Subject:
            \tlunch
            \t  today  \("")
            Content-Length: 0


            """
        let message = try parse(text)
        #expect(message.headers[.via] == "SIP/2.0/UDP pc33.atlanta.com ;branch=z9hG4bK776asdhds")
        #expect(message.headers[.subject] == "lunch today")
        #expect(message.topViaBranch == "z9hG4bK776asdhds")
        #expect(try message.topVia?.branch == "z9hG4bK776asdhds")
        #expect(message.serialized() == crlf(text))
    }

    @Test func listValuesSplitOnCommasOutsideQuotesAndBrackets() throws {
        let message = try parse("""
            OPTIONS sip:bob@biloxi.com SIP/2.0
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2
            Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3
            To: <sip:bob@biloxi.com>
            From: <sip:alice@atlanta.com>;tag=1
            Call-ID: abc
            CSeq: 1 OPTIONS
            Contact: "Smith, John \\"JJ\\" <x>" <sip:j,k@x.example.com;a=b>;q=0.5 ,, <sip:k@y.example.com>
            Route: <sip:p1.example.com;lr>
            Route: <sip:p2.example.com;lr>,<sip:p3.example.com;lr>
            Subject: one, two
            Content-Length: 0


            """)
        #expect(Self.strings(message.headers.values(.via)) == [
            "SIP/2.0/UDP a.example.com;branch=z9hG4bK1", "SIP/2.0/TCP b.example.com;branch=z9hG4bK2",
            "SIP/2.0/UDP c.example.com;branch=z9hG4bK3",
        ])
        #expect(Self.strings(message.headers.values(.contact)) == [
            #""Smith, John \"JJ\" <x>" <sip:j,k@x.example.com;a=b>;q=0.5"#, "<sip:k@y.example.com>",
        ])
        #expect(Self.strings(message.headers.values(.route)) == [
            "<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>", "<sip:p3.example.com;lr>",
        ])
        #expect(Self.strings(message.headers.values(.subject)) == ["one, two"])
        #expect(message.headers.first(.via).map { String(decoding: $0, as: UTF8.self) } == "SIP/2.0/UDP a.example.com;branch=z9hG4bK1")
        #expect(try message.via.map(\.branch) == ["z9hG4bK1", "z9hG4bK2", "z9hG4bK3"])
        #expect(try message.route.count == 3)
        #expect(try message.contact.first?.nameAddress?.displayName == #"Smith, John "JJ" <x>"#)
    }

    @Test func splitterHandlesEdgeCases() {
        func split(_ text: String) -> [String] { Self.strings(Array(SIPHeaderValues(ArraySlice(text.utf8)))) }
        #expect(split("") == [])
        #expect(split(" , ,") == [])
        #expect(split("a") == ["a"])
        #expect(split("a , b ,c") == ["a", "b", "c"])
        #expect(split(#""unterminated, quote"#) == [#""unterminated, quote"#])
        #expect(split("<sip:a,b>, >c, d") == ["<sip:a,b>", ">c", "d"])
        #expect(split(#""a\\", b"#) == [#""a\\""#, "b"])
    }

    @Test func headerParametersAreFoundOutsideBrackets() {
        func tag(_ text: String) -> String? {
            SIPHeaderParameter.value(named: "tag", in: ArraySlice(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(tag("<sip:a@b;tag=no>;tag=yes") == "yes")
        #expect(tag("<sip:a@b;tag=no>") == nil)
        #expect(tag("\"x;tag=no\" <sip:a@b> ; TAG = 42 ;other") == "42")
        #expect(tag("sip:a@b;tag=addrspec") == "addrspec")
        #expect(tag("<sip:a@b>;tagged=1") == nil)
        #expect(tag("<sip:a@b>;tag") == "")
    }
}
