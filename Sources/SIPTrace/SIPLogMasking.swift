/// Masks the secrets in a SIP message before it is logged (issue 9: "SIP messages logged at
/// debug, with passwords and Authorization values masked"). Traces (pcap, HEP) keep the bytes as
/// on the wire; only log lines are masked.
///
/// - `Authorization` and `Proxy-Authorization` (RFC 3261 §20.7, §20.28; credentials per
///   RFC 3261 §22.4 and RFC 8760): the scheme and `username` stay (they say who tried), every
///   other parameter (response, nonce, cnonce, a Basic or Bearer token …) becomes `<masked>`.
///   Folded continuation lines (RFC 3261 §7.3.1) of those headers are masked too.
/// - The password of a `sip:`/`sips:` URI's userinfo (`sip:alice:secret@host`, RFC 3261 §19.1.1,
///   NOT RECOMMENDED but legal) becomes `***`.
public enum SIPLogMasking {
    /// What replaces a masked value.
    public static let mask = "<masked>"

    /// The message text with its secrets masked; the head and body otherwise unchanged.
    public static func masked(_ message: String) -> String {
        // Split on LF and keep CR where it was, so the line ends stay as they came. (On Characters,
        // CRLF is one grapheme: split the scalars.)
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in message.unicodeScalars {
            if scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        var inCredentials = false
        var inHead = true
        for index in lines.indices where inHead {
            let line = lines[index]
            let content = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if index > 0, content.isEmpty {
                inHead = false
                break
            }
            if index > 0, content.first == " " || content.first == "\t" {
                if inCredentials { lines[index] = "\t" + mask + (line.hasSuffix("\r") ? "\r" : "") }
                continue
            }
            inCredentials = false
            if let colon = content.firstIndex(of: ":"), index > 0 {
                let name = content[..<colon].trimmingTrailingSpaces().lowercased()
                if name == "authorization" || name == "proxy-authorization" {
                    inCredentials = true
                    let value = content[content.index(after: colon)...]
                    lines[index] = String(content[...colon]) + " " + maskedCredentials(value) + (line.hasSuffix("\r") ? "\r" : "")
                    continue
                }
            }
            lines[index] = maskingURIPasswords(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `Digest username="alice", realm=…, response=…` → `Digest username="alice", <masked>`.
    static func maskedCredentials<S: StringProtocol>(_ value: S) -> String {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            return trimmed.isEmpty ? "" : mask
        }
        let scheme = trimmed[..<space]
        var kept: [String] = []
        for parameter in trimmed[space...].split(separator: ",") {
            let pair = parameter.trimmingLeadingSpaces()
            if pair.lowercased().hasPrefix("username=") || pair.lowercased().hasPrefix("username ") {
                kept.append(String(pair).trimmingTrailingSpaces())
            }
        }
        return kept.isEmpty ? "\(scheme) \(mask)" : "\(scheme) \(kept.joined(separator: ", ")), \(mask)"
    }

    /// `sip:alice:secret@host` → `sip:alice:***@host`, for every such URI on the line.
    static func maskingURIPasswords(_ line: String) -> String {
        guard line.contains("@") else { return line }
        let stops: Set<Character> = ["@", ";", ">", "<", ",", " ", "\t", "\r", "\"", "?"]
        var output = ""
        var rest = Substring(line)
        while let start = schemeStart(in: rest) {
            let afterScheme = rest.index(start, offsetBy: 3)
            output += rest[..<afterScheme]
            rest = rest[afterScheme...]
            if rest.first == "s" || rest.first == "S" {
                output.append(rest.removeFirst())
            }
            guard rest.first == ":" else { continue }
            output.append(rest.removeFirst())
            // userinfo = user [":" password] "@"
            guard let end = rest.firstIndex(where: { stops.contains($0) }), rest[end] == "@",
                  let colon = rest[..<end].firstIndex(of: ":") else { continue }
            output += rest[...colon] + "***"
            rest = rest[end...]
        }
        return output + rest
    }
}

/// Where `sip` (any case) first occurs in `text`.
private func schemeStart(in text: Substring) -> Substring.Index? {
    var index = text.startIndex
    while index < text.endIndex {
        let rest = text[index...]
        if rest.prefix(3).lowercased() == "sip" { return index }
        index = text.index(after: index)
    }
    return nil
}

extension StringProtocol {
    func trimmingTrailingSpaces() -> String {
        var text = String(self)
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    func trimmingLeadingSpaces() -> Substring {
        let text = Substring(self)
        return text.drop { $0 == " " || $0 == "\t" }
    }
}
