import Testing
@testable import SIPCore

@Suite struct NameAddressTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var displayName: String?
        var uri: String
        var parameters: [SIPParameter] = []
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case(text: "Bob <sips:bob@biloxi.com>;tag=a48s", displayName: "Bob", uri: "sips:bob@biloxi.com",
             parameters: [.init(name: "tag", value: "a48s")]),
        Case(text: "\"Alice Liddell\" <sip:alice@atlanta.com>", displayName: "Alice Liddell", uri: "sip:alice@atlanta.com"),
        Case(text: "Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8", displayName: "Anonymous",
             uri: "sip:c8oqz84zk7z@privacy.org", parameters: [.init(name: "tag", value: "hyh8")]),
        Case(text: "<sip:alice@atlanta.com;transport=tcp>;expires=60", uri: "sip:alice@atlanta.com;transport=tcp",
             parameters: [.init(name: "expires", value: "60")]),
        // addr-spec form: ";tag" is a header parameter, not a URI parameter (RFC 3261 §20.10).
        Case(text: "sip:+12125551212@server.phone2net.com;tag=887s", uri: "sip:+12125551212@server.phone2net.com",
             parameters: [.init(name: "tag", value: "887s")]),
        Case(text: "sip:caller@university.edu", uri: "sip:caller@university.edu"),
        // Token display names: several tokens keep single spaces.
        Case(text: "Lee M. Foote <sips:lee.foote@example.com>", displayName: "Lee M. Foote", uri: "sips:lee.foote@example.com"),
        Case(text: "A\t  B <sip:a@b.c>", displayName: "A B", uri: "sip:a@b.c"),
        // RFC 4475 §3.1.1.6 (lwsdisp): no white space between display name and "<".
        Case(text: "caller<sip:caller@example.com>;tag=323", displayName: "caller", uri: "sip:caller@example.com",
             parameters: [.init(name: "tag", value: "323")]),
        // RFC 4475 §3.1.1.1 (wsinv): escapes, folding and white space around ";" and "=".
        Case(text: "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8",
             displayName: "J Rosenberg \\\"", uri: "sip:jdrosen@example.com", parameters: [.init(name: "tag", value: "98asjd8")]),
        Case(text: "\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n", uri: "sip:vivekg@chair-dnrc.example.com",
             parameters: [.init(name: "tag", value: "1918181833n")]),
        Case(text: "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33",
             displayName: "Quoted string \"\"", uri: "sip:jdrosen@example.com",
             parameters: [.init(name: "newparam", value: "newvalue"), .init(name: "secondparam"), .init(name: "q", value: "0.33")]),
        // RFC 4475 §3.1.1.2 (intmeth): quoted-pairs of control characters.
        Case(text: "\"BEL:\\\u{07} NUL:\\\u{00} DEL:\\\u{7F}\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>",
             displayName: "BEL:\u{07} NUL:\u{00} DEL:\u{7F}", uri: "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com"),
        // RFC 4475 §3.1.1.5 (esc02): a "%" in a display name is just text.
        Case(text: "\"%Z%45\" <sip:resource@example.com>", displayName: "%Z%45", uri: "sip:resource@example.com"),
        // RFC 4475 §3.3.4 (unksm2): unknown schemes.
        Case(text: "isbn:2983792873", uri: "isbn:2983792873"),
        Case(text: "<isbn:2983792873>;tag=1", uri: "isbn:2983792873", parameters: [.init(name: "tag", value: "1")]),
        Case(text: "<tel:+1-201-555-0123>;tag=x", uri: "tel:+1-201-555-0123", parameters: [.init(name: "tag", value: "x")]),
        // RFC 4475 §3.1.2.14 (badaspec): spaces inside the brackets; we accept them (liberal).
        Case(text: "\"Watson, Thomas\" < sip:t.watson@example.org >", displayName: "Watson, Thomas", uri: "sip:t.watson@example.org"),
        Case(text: "\"\" <sip:a@b.c>", displayName: "", uri: "sip:a@b.c"),
        Case(text: "Jürgen <sip:j@b.c>", displayName: "Jürgen", uri: "sip:j@b.c"),
        Case(text: "\"Jürgen \\\"J\\\"\" <sip:j@b.c>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"",
             displayName: "Jürgen \"J\"", uri: "sip:j@b.c",
             parameters: [.init(name: "+sip.instance", value: "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"")]),
    ]

    @Test(arguments: cases)
    func parses(_ expected: Case) throws {
        let address = try NameAddress(parsing: expected.text)
        #expect(address.displayName == expected.displayName)
        #expect(address.uri == (try URI(parsing: expected.uri)))
        #expect(Array(address.parameters) == expected.parameters)
        // The canonical form parses back to the same value.
        #expect(try NameAddress(parsing: address.description) == address)
    }

    static let invalid: [(String, SIPGrammarError)] = [
        // RFC 4475 §3.1.2.6 (quotbal): unterminated quoted string.
        ("\"Mr. J. User <sip:j.user@example.com>", SIPGrammarError(.unexpectedEnd, in: .quotedString, at: 37)),
        // RFC 4475 §3.1.2.15 (baddn): a comma in an unquoted display name.
        ("Bell, Alexander <sip:a.g.bell@example.com>;tag=43", SIPGrammarError(.unexpectedByte(UInt8(ascii: ",")), in: .scheme, at: 4)),
        // RFC 4475 §3.1.2.13 (regbadct): URI headers need angle brackets.
        ("sip:user@example.com?Route=%3Csip:sip.example.com%3E",
         SIPGrammarError(.unexpectedByte(UInt8(ascii: "?")), in: .headerParameter, at: 20)),
        ("<sip:alice@atlanta.com", SIPGrammarError(.unexpectedEnd, in: .nameAddress, at: 22)),
        ("Alice sip:alice@atlanta.com", SIPGrammarError(.unexpectedByte(UInt8(ascii: " ")), in: .scheme, at: 5)),
        ("\"Alice\" sip:alice@atlanta.com", SIPGrammarError(.unexpectedByte(UInt8(ascii: "s")), in: .displayName, at: 8)),
        ("<sip:a@b.c>;", SIPGrammarError(.unexpectedEnd, in: .headerParameter, at: 12)),
        ("<sip:a@b.c>;tag=", SIPGrammarError(.unexpectedEnd, in: .headerParameter, at: 16)),
        ("<sip:a@b.c> junk", SIPGrammarError(.unexpectedByte(UInt8(ascii: "j")), in: .headerParameter, at: 12)),
        ("<>", SIPGrammarError(.unexpectedByte(UInt8(ascii: ">")), in: .scheme, at: 1)),
        ("", SIPGrammarError(.unexpectedEnd, in: .scheme, at: 0)),
        ("\"a\\\r\" <sip:a@b.c>", SIPGrammarError(.invalidEscape, in: .quotedString, at: 2)),
    ]

    @Test func rejects() {
        for (text, error) in Self.invalid {
            #expect(throws: error, "\(text)") { try NameAddress(parsing: text) }
        }
    }

    @Test func foldsInsideQuotedStringsBecomeTheirWhiteSpace() throws {
        let address = try NameAddress(parsing: "\"Alice\r\n Smith\" <sip:a@b.c>;x=\"one\r\n\ttwo\"")
        #expect(address.displayName == "Alice Smith")
        #expect(address.parameters["x"] == "\"one\ttwo\"")
        #expect(address.description == "\"Alice Smith\" <sip:a@b.c>;x=\"one\ttwo\"")
        let challenge = try DigestChallenge(parsing: "Digest realm=\"a\r\n b\", nonce=\"n\"")
        #expect(challenge.realm == "a b")
        #expect(throws: SIPGrammarError(.unexpectedByte(0x0D), in: .quotedString, at: 6)) {
            try NameAddress(parsing: "\"Alice\r\nSmith\" <sip:a@b.c>")
        }
    }

    @Test func flagParametersHaveNoValue() throws {
        let address = try NameAddress(parsing: "<sip:a@b.c>;tag;x=1")
        #expect(address.parameters.contains("TAG"))
        #expect(address.tag == nil)
        #expect(address.parameters["x"] == "1")
    }

    @Test func writesCanonicalForm() throws {
        var address = try NameAddress(parsing: "Bob <sip:bob@biloxi.com>")
        address.tag = "a6c85cf"
        #expect(address.description == "\"Bob\" <sip:bob@biloxi.com>;tag=a6c85cf")
        address.displayName = "Say \"hi\" \\ bye"
        #expect(address.description == "\"Say \\\"hi\\\" \\\\ bye\" <sip:bob@biloxi.com>;tag=a6c85cf")
        #expect(try NameAddress(parsing: address.description).displayName == "Say \"hi\" \\ bye")
        address.tag = nil
        address.displayName = nil
        #expect(address.description == "<sip:bob@biloxi.com>")
        // An addr-spec comes back in brackets, so its header parameters stay header parameters.
        let spec = try NameAddress(parsing: "sip:a@b.c;tag=1")
        #expect(spec.description == "<sip:a@b.c>;tag=1")
        #expect(spec.sipURI?.parameters.isEmpty == true)
        #expect(NameAddress(displayName: "Al", uri: SIPURI(user: "al", host: .name("x.org"))).description == "\"Al\" <sip:al@x.org>")
    }

    @Test func parsesFromAnOffsetSlice() throws {
        let storage = Array("From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n".utf8)
        let address = try NameAddress(parsing: storage[6..<(storage.count - 2)])
        #expect(address.tag == "1928301774")
        #expect(address.sipURI?.user == "alice")
        #expect(throws: SIPGrammarError(.unexpectedByte(0x0D), in: .headerParameter, at: storage.count - 2)) {
            try NameAddress(parsing: storage[6...])
        }
    }

    @Test func boundsDisplayNames() {
        let long = String(repeating: "a", count: SIPGrammarLimits.maxDisplayNameLength + 1)
        #expect(throws: SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxDisplayNameLength), in: .quotedString, at: 0)) {
            try NameAddress(parsing: "\"\(long)\" <sip:a@b.c>")
        }
        #expect(throws: SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxDisplayNameLength), in: .displayName, at: 0)) {
            try NameAddress(parsing: "\(long) <sip:a@b.c>")
        }
        let manyParameters = "<sip:a@b.c>" + String(repeating: ";p=1", count: SIPGrammarLimits.maxParameters + 1)
        #expect(throws: SIPGrammarError.self) { try NameAddress(parsing: manyParameters) }
    }
}
