import Foundation
import Testing
@testable import SIPCore

@Suite struct SIPEscapingTests {
    /// The gateway escapes dialled numbers and names with `escape(_:for: .user)` instead of
    /// Foundation's percent-encoding with the RFC 3261 `user` set: the same text for all ASCII.
    @Test func userEscapingMatchesFoundationForASCII() {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "+-_.!~*'()&=$,;?/"))
        for byte in UInt8(0)...UInt8(0x7F) {
            let text = "a" + String(UnicodeScalar(byte)) + "9"
            #expect(SIPEscaping.escape(text, for: .user) == text.addingPercentEncoding(withAllowedCharacters: allowed),
                    "byte \(byte)")
        }
        #expect(SIPEscaping.escape("+46 70-123 45#67", for: .user) == "+46%2070-123%2045%2367")
    }
}
