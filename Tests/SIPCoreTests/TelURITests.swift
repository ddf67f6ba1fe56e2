import Testing
@testable import SIPCore

@Suite struct TelURITests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var number: String
        var normalized: String
        var isGlobal: Bool
        var context: String? = nil
        var ext: String? = nil
        var testDescription: String { text }
    }

    // RFC 3966 §6 examples and visual separators.
    static let valid: [Valid] = [
        Valid(text: "tel:+1-201-555-0123", number: "+1-201-555-0123", normalized: "+12015550123", isGlobal: true),
        Valid(text: "tel:+1.(201).555.0123", number: "+1.(201).555.0123", normalized: "+12015550123", isGlobal: true),
        Valid(text: "tel:7042;phone-context=example.com", number: "7042", normalized: "7042", isGlobal: false,
              context: "example.com"),
        Valid(text: "tel:863-1234;phone-context=+1-914-555", number: "863-1234", normalized: "8631234", isGlobal: false,
              context: "+1-914-555"),
        Valid(text: "tel:+46701234567;ext=22", number: "+46701234567", normalized: "+46701234567", isGlobal: true, ext: "22"),
        Valid(text: "tel:*21#;phone-context=carrier.example", number: "*21#", normalized: "*21#", isGlobal: false,
              context: "carrier.example"),
        Valid(text: "TEL:+4930123;isub=1234;foo=bar%20baz", number: "+4930123", normalized: "+4930123", isGlobal: true),
        Valid(text: "tel:abcd;phone-context=+49", number: "abcd", normalized: "ABCD", isGlobal: false, context: "+49"),
    ]

    @Test(arguments: valid)
    func parses(_ expected: Valid) throws {
        let uri = try TelURI(parsing: expected.text)
        #expect(uri.number == expected.number)
        #expect(uri.normalizedNumber == expected.normalized)
        #expect(uri.isGlobal == expected.isGlobal)
        #expect(uri.phoneContext == expected.context)
        #expect(uri.extensionNumber == expected.ext)
        #expect(uri.description.lowercased() == expected.text.lowercased())
        #expect(try URI(parsing: expected.text) == .tel(uri))
    }

    static let invalid: [(String, SIPGrammarError)] = [
        ("tel:", SIPGrammarError(.unexpectedEnd, in: .telephoneNumber, at: 4)),
        ("tel:+", SIPGrammarError(.unexpectedEnd, in: .telephoneNumber, at: 5)),
        ("tel:+--", SIPGrammarError(.unexpectedEnd, in: .telephoneNumber, at: 7)),
        ("tel:1234;phone-context=", SIPGrammarError(.empty, in: .uriParameter, at: 23)),
        ("tel:1234;phone-context=-bad-", SIPGrammarError(.invalidParameterValue, in: .uriParameter, at: 23)),
        ("tel:1234;phone-context=+", SIPGrammarError(.invalidParameterValue, in: .uriParameter, at: 23)),
        ("tel:+1 234", SIPGrammarError(.unexpectedByte(UInt8(ascii: "2")), in: .uri, at: 7)),
        ("tel:+12;=x", SIPGrammarError(.empty, in: .uriParameter, at: 8)),
    ]

    @Test func rejects() {
        for (text, error) in Self.invalid {
            #expect(throws: error, "\(text)") { try TelURI(parsing: text) }
        }
    }

    @Test func acceptsALocalNumberWithoutContext() throws {
        // RFC 3966 §5.1.5 asks for phone-context; we accept its absence (see TelURI's doc).
        let local = try TelURI(parsing: "tel:1001")
        #expect(!local.isGlobal)
        #expect(local.phoneContext == nil)
        #expect(try NameAddress(parsing: "<tel:1001>;tag=x").uri.telURI == local)
    }

    @Test func equivalenceIgnoresVisualSeparatorsAndParameterOrder() throws {
        let pairs: [(String, String, Bool)] = [
            ("tel:+1-201-555-0123", "tel:+1(201)5550123", true),
            ("tel:+12015550123", "tel:12015550123;phone-context=+1", false),
            ("tel:7042;phone-context=example.com", "tel:7042;phone-context=EXAMPLE.com", true),
            ("tel:7042;phone-context=+1-914", "tel:7042;phone-context=+1914", true),
            ("tel:+1234;ext=1;isub=2", "tel:+1234;isub=2;ext=1", true),
            ("tel:+1234;ext=1", "tel:+1234", false),
            ("tel:+1234;ext=1", "tel:+1234;ext=2", false),
            ("tel:abc;phone-context=x.com", "tel:ABC;phone-context=x.com", true),
        ]
        for (lhs, rhs, equal) in pairs {
            #expect(try TelURI(parsing: lhs).isEquivalent(to: try TelURI(parsing: rhs)) == equal, "\(lhs) vs \(rhs)")
        }
    }
}
