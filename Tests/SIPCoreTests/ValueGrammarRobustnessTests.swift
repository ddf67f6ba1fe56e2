import Testing
@testable import SIPCore
import TestSupport

/// Mutated inputs never trap, and whatever parses writes back to text that parses to the same
/// value (the canonical form is stable). A deterministic generator keeps failures replayable.
@Suite struct ValueGrammarRobustnessTests {
    /// SplitMix64: small, deterministic, good enough to spread mutations.
    typealias Generator = SplitMix64

    static let interesting: [UInt8] = Array("\"\\<>;:@?&=%,[]/ \t\r\n*#+-.0aZ~".utf8) + [0x00, 0x7F, 0xC3, 0xFF]

    static func mutations(of seed: String, count: Int, generator: inout Generator) -> [[UInt8]] {
        let original = Array(seed.utf8)
        var result: [[UInt8]] = []
        for _ in 0..<count {
            var bytes = original
            for _ in 0...generator.below(3) {
                switch generator.below(4) {
                case 0 where !bytes.isEmpty:
                    bytes[generator.below(bytes.count)] = interesting[generator.below(interesting.count)]
                case 1:
                    bytes.insert(interesting[generator.below(interesting.count)], at: generator.below(bytes.count + 1))
                case 2 where !bytes.isEmpty:
                    bytes.remove(at: generator.below(bytes.count))
                default:
                    bytes = Array(bytes.prefix(generator.below(bytes.count + 1)))
                }
            }
            result.append(bytes)
        }
        return result
    }

    /// Parses every mutation at a non-zero offset; each success must round-trip canonically.
    static func check<T: SIPGrammarValue & Equatable>(_ type: T.Type, seeds: [String], seed: UInt64) -> (parsed: Int, failed: Int) {
        var generator = Generator(state: seed)
        var parsed = 0
        var failed = 0
        for text in seeds {
            for bytes in mutations(of: text, count: 400, generator: &generator) {
                let storage = Array("X: ".utf8) + bytes + Array("\r\n".utf8)
                let slice = storage[3..<(storage.count - 2)]
                do {
                    let value = try T(parsing: slice)
                    parsed += 1
                    let again = try? T(parsing: value.description)
                    #expect(again == value, "\(T.self) round trip of \(String(decoding: bytes, as: UTF8.self).debugDescription) → \(value.description.debugDescription)")
                } catch {
                    failed += 1
                    #expect(error.offset >= slice.startIndex && error.offset <= slice.endIndex,
                            "\(T.self) error offset \(error.offset) outside \(slice.startIndex)..<\(slice.endIndex)")
                }
            }
        }
        return (parsed, failed)
    }

    @Test func uris() {
        let seeds = ["sip:alice:pw@atlanta.com:5060;transport=tcp;lr?Subject=hi%20there&x=y",
                     "sips:[2001:db8::1]:5061;maddr=192.0.2.1", "tel:+1-201-555-0123;ext=7;phone-context=+1",
                     "sip:user;par=u%40example.net@example.com", "isbn:2983792873"]
        let sip = Self.check(SIPURI.self, seeds: seeds, seed: 1)
        let any = Self.check(URI.self, seeds: seeds, seed: 2)
        let tel = Self.check(TelURI.self, seeds: seeds, seed: 3)
        #expect(sip.parsed > 0 && sip.failed > 0)
        #expect(any.parsed > 0 && any.failed > 0)
        #expect(tel.parsed > 0 && tel.failed > 0)
    }

    @Test func addresses() {
        let seeds = ["\"Alice \\\"A\\\"\" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774",
                     "Bob <sips:bob@biloxi.com>;tag=a48s;+sip.instance=\"<urn:uuid:1>\"",
                     "sip:+12125551212@server.phone2net.com;tag=887s", "<tel:+1234>;q=0.5;expires=60"]
        let address = Self.check(NameAddress.self, seeds: seeds, seed: 4)
        let contact = Self.check(ContactValue.self, seeds: seeds + ["*"], seed: 5)
        #expect(address.parsed > 0 && address.failed > 0)
        #expect(contact.parsed > 0 && contact.failed > 0)
    }

    @Test func headerValues() {
        let via = Self.check(Via.self, seeds: ["SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjsh",
                                               "SIP/2.0/TLS [2001:db8::9:1];branch=z9hG4bK1;ttl=3"], seed: 6)
        let cseq = Self.check(CSeq.self, seeds: ["314159 INVITE"], seed: 7)
        let rack = Self.check(RAck.self, seeds: ["776656 1 INVITE"], seed: 8)
        let media = Self.check(MediaType.self, seeds: ["multipart/mixed;boundary=\"b 1\";charset=utf-8"], seed: 9)
        let reason = Self.check(Reason.self, seeds: ["Q.850;cause=16;text=\"Normal \\\"clearing\\\"\""], seed: 10)
        let timer = Self.check(SessionExpires.self, seeds: ["1800;refresher=uac;x=1"], seed: 11)
        let tags = Self.check(OptionTags.self, seeds: ["100rel, timer,replaces"], seed: 12)
        let challenge = Self.check(DigestChallenge.self, seeds: [
            "Digest realm=\"atlanta.com\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\", qop=\"auth,auth-int\", algorithm=SHA-256"], seed: 13)
        let credentials = Self.check(DigestCredentials.self, seeds: [
            "Digest username=\"bob\", realm=\"b.com\", nonce=\"n\", uri=\"sip:b.com\", response=\"abc\", nc=00000001"], seed: 14)
        let info = Self.check(AuthenticationInfo.self, seeds: ["nextnonce=\"4736\", qop=auth, rspauth=\"66\", nc=00000001"], seed: 15)
        let contact = Self.check(ContactValue.self, seeds: ["<sip:a@[::1]:5060;ob>;reg-id=1;+sip.instance=\"<urn:uuid:x>\""], seed: 16)
        for result in [via, cseq, rack, media, reason, timer, tags, challenge, credentials, info, contact] {
            #expect(result.parsed > 0 && result.failed > 0)
        }
    }
}

extension SplitMix64 {
    /// A number in `0..<bound` (modulo, slightly uneven: enough to pick mutations).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
