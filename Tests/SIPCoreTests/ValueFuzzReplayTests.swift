import Foundation
import Testing
@testable import SIPCore

/// Replays every input the earlier value-grammar fuzzer (now `scripts/fuzz uri`) ever failed on,
/// kept in Fixtures/value-fuzz/, with the fuzz target's checks: the first byte selects the grammar;
/// parsing may fail but whatever parses has a stable canonical form.
@Suite struct ValueFuzzReplayTests {
    static func inputs() throws -> [(name: String, bytes: [UInt8])] {
        let directory = try #require(Bundle.module.url(forResource: "value-fuzz", withExtension: nil, subdirectory: "Fixtures"))
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        return try files.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { ($0.lastPathComponent, Array(try Data(contentsOf: $0))) }
    }

    static func stable<T: SIPGrammarValue & Equatable>(_ type: T.Type, _ value: ArraySlice<UInt8>, _ name: String) {
        guard let parsed = try? T(parsing: value) else { return }
        #expect((try? T(parsing: parsed.description)) == parsed, "\(name): \(T.self) \(parsed.description.debugDescription)")
    }

    @Test func replaysKeptFuzzInputs() throws {
        let inputs = try Self.inputs()
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs where !bytes.isEmpty {
            let value = bytes[1...]
            switch bytes[0] % 15 {
            case 0:
                Self.stable(SIPURI.self, value, name)
                if let uri = try? SIPURI(parsing: value) { #expect(uri.isEquivalent(to: uri), "\(name)") }
            case 1: Self.stable(URI.self, value, name)
            case 2: Self.stable(TelURI.self, value, name)
            case 3: Self.stable(NameAddress.self, value, name)
            case 4: Self.stable(Via.self, value, name)
            case 5: Self.stable(CSeq.self, value, name)
            case 6: Self.stable(ContactValue.self, value, name)
            case 7: Self.stable(MediaType.self, value, name)
            case 8: Self.stable(DigestChallenge.self, value, name)
            case 9: Self.stable(DigestCredentials.self, value, name)
            case 10: Self.stable(Reason.self, value, name)
            case 11: Self.stable(SessionExpires.self, value, name)
            case 12: Self.stable(RAck.self, value, name)
            case 13: Self.stable(OptionTags.self, value, name)
            default: Self.stable(AuthenticationInfo.self, value, name)
            }
        }
    }

    @Test func repeatedParameterNamesCompareByTheirFirstOccurrence() throws {
        // The first fuzz finding: a URI with `transport` twice was not equivalent to itself.
        let uri = try SIPURI(parsing: "sip:ni05;0;transport=tcpal.ni05;0;transport=tcp;l=03y")
        #expect(uri.isEquivalent(to: uri))
        #expect(!uri.isEquivalent(to: try SIPURI(parsing: "sip:ni05;transport=tcp")))
        #expect(uri.isEquivalent(to: try SIPURI(parsing: "sip:ni05;transport=tcpal.ni05")))
    }
}
