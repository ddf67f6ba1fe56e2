import Testing
@testable import Gateway

/// RFC 3261 §20.5 / RFC 3311: UPDATE is allowed only when the Allow list names it as a token.
struct AllowUpdateTests {
    @Test(arguments: [
        ("INVITE, ACK, BYE, CANCEL, UPDATE", true), ("update", true), ("INVITE,UPDATE ,BYE", true),
        ("INVITE,\tUpdate", true), ("INVITE, XUPDATE", false), ("UPDATES", false), ("", false),
        ("INVITE, ACK", false),
    ])
    func tokenNotSubstring(allow: String, expected: Bool) {
        #expect(CallContext.allowsUpdate(allow) == expected)
    }

    @Test func noHeaderMeansNo() {
        #expect(CallContext.allowsUpdate(nil) == false)
    }
}
