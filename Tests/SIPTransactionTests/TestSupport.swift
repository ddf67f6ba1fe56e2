import Foundation
import SIPCore

/// A fixture from `Fixtures/`, with its `\n` line ends turned into CRLF, parsed.
func fixture(_ name: String) throws -> SIPMessage {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw FixtureMissing(name: name)
    }
    return try message(try String(contentsOf: url, encoding: .utf8))
}

/// Parses message text written with `\n` line ends.
func message(_ text: String) throws -> SIPMessage {
    try SIPParser().parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
}

/// `message` with the first header field named `name` replaced by `value`, re-parsed so that the
/// result is exactly what a peer would have sent.
func replacing(_ name: HeaderName, with value: String, in original: SIPMessage) throws -> SIPMessage {
    var changed = original
    if let index = changed.headers.firstIndex(of: name) {
        changed.headers.replaceValue(at: index, with: value)
    } else {
        changed.headers.append(name, value: value)
    }
    return try SIPParser().parse(changed.serialized())
}

struct FixtureMissing: Error { let name: String }
