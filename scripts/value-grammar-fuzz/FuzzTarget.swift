// libFuzzer target for SIPCore's value grammars (built by scripts/fuzz-value-grammars).
// The first byte selects the grammar; the rest is the value. A parse may fail, but must not trap,
// and whatever parses must write a canonical form that parses back to the same value (and, for
// SIP URIs, that is §19.1.4-equivalent to it). Tests/SIPCoreTests/ValueFuzzReplayTests.swift
// replays every crash input kept in Tests/SIPCoreTests/Fixtures/value-fuzz/ with the same checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValueGrammars(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let value = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))[...]
    func stable<T: SIPGrammarValue & Equatable>(_ type: T.Type) {
        guard let parsed = try? T(parsing: value) else { return }
        if (try? T(parsing: parsed.description)) != parsed {
            fatalError("\(T.self): unstable canonical form \(parsed.description.debugDescription)")
        }
    }
    switch data[0] % 15 {
    case 0:
        stable(SIPURI.self)
        if let uri = try? SIPURI(parsing: value), !uri.isEquivalent(to: uri) { fatalError("SIPURI not equivalent to itself") }
    case 1: stable(URI.self)
    case 2: stable(TelURI.self)
    case 3: stable(NameAddress.self)
    case 4: stable(Via.self)
    case 5: stable(CSeq.self)
    case 6: stable(ContactValue.self)
    case 7: stable(MediaType.self)
    case 8: stable(DigestChallenge.self)
    case 9: stable(DigestCredentials.self)
    case 10: stable(Reason.self)
    case 11: stable(SessionExpires.self)
    case 12: stable(RAck.self)
    case 13: stable(OptionTags.self)
    default: stable(AuthenticationInfo.self)
    }
    return 0
}
