import Testing
@testable import SIPCore

@Suite struct SIPURITests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var secure = false
        var user: String?
        var password: String?
        var host: SIPHost
        var port: UInt16?
        var parameters: [SIPParameter] = []
        var headers: [SIPParameter] = []
        var testDescription: String { text }
    }

    static let valid: [Valid] = [
        Valid(text: "sip:alice@atlanta.com", user: "alice", host: .name("atlanta.com")),
        Valid(text: "sips:bob@biloxi.com:5061;transport=tcp", secure: true, user: "bob",
              host: .name("biloxi.com"), port: 5061, parameters: [.init(name: "transport", value: "tcp")]),
        Valid(text: "sip:alice:secretword@atlanta.com;transport=tcp", user: "alice", password: "secretword",
              host: .name("atlanta.com"), parameters: [.init(name: "transport", value: "tcp")]),
        Valid(text: "sip:+1-212-555-1212:1234@gateway.com;user=phone", user: "+1-212-555-1212", password: "1234",
              host: .name("gateway.com"), parameters: [.init(name: "user", value: "phone")]),
        Valid(text: "sip:alice@192.0.2.4", user: "alice", host: .ipv4("192.0.2.4")),
        Valid(text: "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", host: .name("atlanta.com"),
              parameters: [.init(name: "method", value: "REGISTER")], headers: [.init(name: "to", value: "alice%40atlanta.com")]),
        Valid(text: "sip:alice;day=tuesday@atlanta.com", user: "alice;day=tuesday", host: .name("atlanta.com")),
        Valid(text: "sip:[2001:db8::10]:5070;lr", host: .ipv6("2001:db8::10"), port: 5070, parameters: [.init(name: "lr")]),
        Valid(text: "sip:[::ffff:192.0.2.1]", host: .ipv6("::ffff:192.0.2.1")),
        Valid(text: "SIP:user@EXAMPLE.com.", user: "user", host: .name("EXAMPLE.com.")),
        Valid(text: "sip:host5.example.com:0", host: .name("host5.example.com"), port: 0),
        // RFC 4475 §3.1.1.2 (intmeth): every user and password character the grammar allows.
        Valid(text: "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
              user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
              password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", host: .name("example.com")),
        // RFC 4475 §3.1.1.3 (esc01), §3.1.1.4 (escnull), §3.1.1.9 (semiuri).
        Valid(text: "sip:sips%3Auser%40example.com@example.net", user: "sips%3Auser%40example.com", host: .name("example.net")),
        Valid(text: "sip:null-%00-null@example.com", user: "null-%00-null", host: .name("example.com")),
        Valid(text: "sip:user;par=u%40example.net@example.com", user: "user;par=u%40example.net", host: .name("example.com")),
        // RFC 4475 §3.1.1.5 (esc02): escaped parameter names and values.
        Valid(text: "sip:cal%6Cer@host5.example.com;%6C%72;n%61me=v%61lue%25%34%31", user: "cal%6Cer",
              host: .name("host5.example.com"), parameters: [.init(name: "%6C%72"), .init(name: "n%61me", value: "v%61lue%25%34%31")]),
        // RFC 4475 §3.3.13 (regescrt): an escaped Route header.
        Valid(text: "sip:user@example.com?Route=%3Csip:sip.example.com%3E", user: "user", host: .name("example.com"),
              headers: [.init(name: "Route", value: "%3Csip:sip.example.com%3E")]),
        Valid(text: "sip:services.example.com;lr;unknownwith=value;unknown-no-value", host: .name("services.example.com"),
              parameters: [.init(name: "lr"), .init(name: "unknownwith", value: "value"), .init(name: "unknown-no-value")]),
        Valid(text: "sip:alice@atlanta.com?subject=project%20x&priority=urgent", user: "alice", host: .name("atlanta.com"),
              headers: [.init(name: "subject", value: "project%20x"), .init(name: "priority", value: "urgent")]),
        Valid(text: "sip:a@b.c?empty=", user: "a", host: .name("b.c"), headers: [.init(name: "empty", value: "")]),
        Valid(text: "sip:user:@host.example", user: "user", password: "", host: .name("host.example")),
    ]

    @Test(arguments: valid)
    func parsesComponentsAndWritesBack(_ expected: Valid) throws {
        let uri = try SIPURI(parsing: expected.text)
        #expect(uri.isSecure == expected.secure)
        #expect(uri.user == expected.user)
        #expect(uri.password == expected.password)
        #expect(uri.host == expected.host)
        #expect(uri.port == expected.port)
        #expect(Array(uri.parameters) == expected.parameters)
        #expect(Array(uri.headers) == expected.headers)
        // Wire form is kept: the URI writes back as read (the scheme in lower case).
        let written = uri.description
        #expect(written.lowercased() == expected.text.lowercased())
        #expect(try SIPURI(parsing: written) == uri)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var element: SIPGrammarError.Element
        var reason: SIPGrammarError.Reason
        var offset: Int
        var testDescription: String { text }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "", element: .scheme, reason: .unsupportedScheme, offset: 0),
        Invalid(text: "tel:+123", element: .scheme, reason: .unsupportedScheme, offset: 0),
        Invalid(text: "sip:", element: .host, reason: .invalidHost, offset: 4),
        Invalid(text: "sip:@example.com", element: .user, reason: .empty, offset: 4),
        Invalid(text: "sip:user@", element: .host, reason: .invalidHost, offset: 9),
        Invalid(text: "sip:user@example.com:", element: .port, reason: .unexpectedEnd, offset: 21),
        Invalid(text: "sip:user@example.com:65536", element: .port, reason: .numberOutOfRange, offset: 21),
        Invalid(text: "sip:user@example.com:99999999999", element: .port, reason: .numberOutOfRange, offset: 21),
        Invalid(text: "sip:user@example.com:50a", element: .uri, reason: .unexpectedByte(UInt8(ascii: "a")), offset: 23),
        Invalid(text: "sip:us%2@example.com", element: .user, reason: .invalidEscape, offset: 6),
        Invalid(text: "sip:user@exa_mple.com", element: .uri, reason: .unexpectedByte(UInt8(ascii: "_")), offset: 12),
        Invalid(text: "sip:user@-example.com", element: .host, reason: .invalidHost, offset: 9),
        Invalid(text: "sip:user@example.123", element: .host, reason: .invalidHost, offset: 9),
        Invalid(text: "sip:user@256.1.1.1", element: .host, reason: .invalidHost, offset: 9),
        Invalid(text: "sip:user@[2001:db8::1", element: .host, reason: .unexpectedEnd, offset: 21),
        Invalid(text: "sip:user@[2001:db8:::1]", element: .host, reason: .invalidHost, offset: 9),
        Invalid(text: "sip:user@[1:2:3:4:5:6:7:8:9]", element: .host, reason: .invalidHost, offset: 9),
        // RFC 5118 §4.10: an IPv6 address without brackets.
        Invalid(text: "sip:user@2001:db8::10", element: .host, reason: .invalidHost, offset: 9),
        // RFC 4475 §3.1.2.8 (lwsruri): white space inside a URI.
        Invalid(text: "sip:user@example.com; lr", element: .uriParameter, reason: .empty, offset: 21),
        Invalid(text: "sip:user@example.com;=x", element: .uriParameter, reason: .empty, offset: 21),
        Invalid(text: "sip:user@example.com;a=", element: .uriParameter, reason: .empty, offset: 23),
        Invalid(text: "sip:user@example.com?x", element: .uriHeader, reason: .unexpectedEnd, offset: 22),
        Invalid(text: "sip:user@example.com?=x", element: .uriHeader, reason: .empty, offset: 21),
        Invalid(text: "sip:user@example.com>", element: .uri, reason: .unexpectedByte(UInt8(ascii: ">")), offset: 20),
        Invalid(text: "sip:us er@example.com", element: .uri, reason: .unexpectedByte(UInt8(ascii: "e")), offset: 7),
    ]

    @Test(arguments: invalid)
    func rejectsWithWhatAndWhere(_ expected: Invalid) {
        #expect(throws: SIPGrammarError(expected.reason, in: expected.element, at: expected.offset)) {
            try SIPURI(parsing: expected.text)
        }
    }

    @Test func offsetsAreAbsoluteInTheMessageStorage() throws {
        let storage = Array("To: <sip:user@exa mple.com>\r\n".utf8)
        // "sip:user@exa mple.com" starts at index 5; the stray "m" is at index 18 of the storage.
        #expect(throws: SIPGrammarError(.unexpectedByte(UInt8(ascii: "m")), in: .uri, at: 18)) {
            try SIPURI(parsing: storage[5..<26])
        }
        let uri = try SIPURI(parsing: storage[5..<17])
        #expect(uri.user == "user")
        #expect(uri.host == .name("exa"))
    }

    @Test func decodesAndEscapesUsers() throws {
        let uri = try SIPURI(parsing: "sip:I%20have%20spaces@example.net")
        #expect(uri.user == "I%20have%20spaces")
        #expect(uri.decodedUser == "I have spaces")
        #expect(SIPEscaping.escape("I have spaces", for: .user) == "I%20have%20spaces")
        #expect(SIPEscaping.escape("a@b:c;d", for: .user) == "a%40b%3Ac;d")
        #expect(SIPEscaping.escape("a;b", for: .password) == "a%3Bb")
        #expect(SIPEscaping.escape("x y", for: .parameter) == "x%20y")
        #expect(SIPEscaping.escape("<sip:a@b>", for: .header) == "%3Csip:a%40b%3E")
        #expect(SIPEscaping.unescape("%3Csip:a%40b%3E") == "<sip:a@b>")
        #expect(SIPEscaping.unescape("bad%2") == nil)
        #expect(SIPEscaping.unescape("%FF") == nil, "not UTF-8")
        let built = SIPURI(user: SIPEscaping.escape("alice smith", for: .user), host: .name("example.com"))
        #expect(built.description == "sip:alice%20smith@example.com")
        #expect(try SIPURI(parsing: built.description).decodedUser == "alice smith")
    }

    @Test func convenienceAccessors() throws {
        let uri = try SIPURI(parsing: "sip:proxy.example.com;transport=TCP;lr;maddr=239.255.255.1;ttl=15;method=INVITE;user=ip")
        #expect(uri.transport == "TCP")
        #expect(uri.isLooseRouting)
        #expect(uri.maddr == "239.255.255.1")
        #expect(uri.ttl == 15)
        #expect(uri.method == "INVITE")
        #expect(uri.userParameter == "ip")
        #expect(uri.scheme == "sip")
        #expect(try SIPURI(parsing: "sips:example.com").scheme == "sips")
        #expect(!(try SIPURI(parsing: "sip:example.com")).isLooseRouting)
    }

    @Test func userPhoneReadsTheTelephoneSubscriber() throws {
        let uri = try SIPURI(parsing: "sip:+1-212-555-1212;postd=pp22@gateway.com;user=phone")
        let number = try #require(uri.telephoneSubscriber)
        #expect(number.isGlobal)
        #expect(number.normalizedNumber == "+12125551212")
        #expect(number.parameters["postd"] == "pp22")
        #expect(try SIPURI(parsing: "sip:+12125551212@gateway.com").telephoneSubscriber == nil)
    }

    @Test func parametersAreBounded() throws {
        let many = "sip:a@b.c" + String(repeating: ";p", count: SIPGrammarLimits.maxParameters)
        #expect(throws: Never.self) { try SIPURI(parsing: many) }
        #expect(throws: SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxParameters), in: .uriParameter, at: many.utf8.count)) {
            try SIPURI(parsing: many + ";p")
        }
        let headers = "sip:a@b.c?" + Array(repeating: "h=v", count: SIPGrammarLimits.maxURIHeaders + 1).joined(separator: "&")
        #expect(throws: SIPGrammarError.self) { try SIPURI(parsing: headers) }
        let long = "sip:" + String(repeating: "a", count: SIPGrammarLimits.maxURILength) + "@b.c"
        #expect(throws: SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxURILength), in: .uri, at: 0)) {
            try SIPURI(parsing: long)
        }
    }

    @Test func editingWritesCanonically() throws {
        var uri = try SIPURI(parsing: "sip:alice@atlanta.com;transport=udp")
        uri.parameters.set("transport", to: "tcp")
        uri.parameters.set("lr", to: nil)
        uri.port = 5080
        uri.headers.set("Subject", to: "hi")
        #expect(uri.description == "sip:alice@atlanta.com:5080;transport=tcp;lr?Subject=hi")
        uri.parameters.remove("TRANSPORT")
        #expect(uri.description == "sip:alice@atlanta.com:5080;lr?Subject=hi")
        var buffer = Array("Contact: ".utf8)
        uri.write(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "Contact: sip:alice@atlanta.com:5080;lr?Subject=hi")
    }
}
