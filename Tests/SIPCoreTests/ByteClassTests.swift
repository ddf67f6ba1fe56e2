import Testing
@testable import SIPCore

/// The precomputed character classes equal their RFC 3261 §25.1 / RFC 3966 definitions.
@Suite struct ByteClassTests {
    @Test func constantsMatchTheGrammar() {
        let unreserved = ByteClass("-_.!~*'()", alphanumeric: true)
        let user = unreserved.union(ByteClass("&=+$,;?/"))
        let password = unreserved.union(ByteClass("&=+$,"))
        let token = ByteClass("-.!%*_+`'~", alphanumeric: true)
        #expect(SIPChars.unreserved == unreserved)
        #expect(SIPChars.user == user)
        #expect(SIPChars.password == password)
        #expect(SIPChars.paramChar == unreserved.union(ByteClass("[]/:&+$")))
        #expect(SIPChars.headerChar == unreserved.union(ByteClass("[]/?:+$")))
        #expect(SIPChars.token == token)
        #expect(SIPChars.genValue == token.union(ByteClass("[]:")))
        #expect(SIPChars.hostChar == ByteClass("-.:", alphanumeric: true))
        #expect(SIPChars.nameChar == ByteClass("-.", alphanumeric: true))
        #expect(SIPChars.hex == ByteClass(hexadecimal: true))
        #expect(SIPChars.reserved == ByteClass(";/?:@&=+$,"))
        #expect(SIPChars.uric == ByteClass(";/?:@&=+$,-_.!~*'()%#[]", alphanumeric: true))
        #expect(SIPChars.phoneChar == ByteClass("*#-.()+", hexadecimal: true))
        #expect(SIPChars.telParamName == ByteClass("-", alphanumeric: true))
        #expect(SIPChars.userinfo == user.union(password).union(ByteClass(":%")))
        #expect(SIPChars.userinfoInAddrSpec == ByteClass("-_.!~*'()&=+$,/:%", alphanumeric: true))
        #expect(SIPChars.userInAddrSpec == ByteClass("-_.!~*'()&=+$,/", alphanumeric: true))
    }

    @Test func membership() {
        #expect(SIPChars.token.contains(UInt8(ascii: "~")))
        #expect(!SIPChars.token.contains(UInt8(ascii: ":")))
        #expect(!SIPChars.token.contains(0x80))
        #expect(!SIPChars.user.contains(UInt8(ascii: "@")))
        #expect(!SIPChars.user.contains(UInt8(ascii: "%")), "escapes are the scanner's job")
    }
}
