import Foundation

/// The JSON of the `legs` and `dtmf` columns, written by hand: once per finished call, where
/// Foundation's `JSONEncoder` (an encoder and a value tree per call) was most of the cost of
/// storing a record. The text is what `JSONEncoder` with sorted keys and
/// `.millisecondsSince1970` dates gives (fields in key order, nil fields left out, times as the
/// same `Double`), so `JSONDecoder` reads it back to equal values; slashes are not escaped.
enum CallRecordJSON {
    /// `legs` as a JSON array of objects.
    static func legs(_ legs: [StoredCallRecord.Leg]) -> String {
        var out = "["
        for (index, leg) in legs.enumerated() {
            if index > 0 { out += "," }
            out += "{\"attempt\":\(leg.attempt)"
            if let contact = leg.contact { out += ",\"contact\":"; appendString(contact, to: &out) }
            if let ended = leg.ended { out += ",\"ended\":\(milliseconds(ended))" }
            out += ",\"outcome\":"
            appendString(leg.outcome, to: &out)
            out += ",\"started\":\(milliseconds(leg.started))"
            if let status = leg.status { out += ",\"status\":\(status)" }
            out += ",\"target\":"
            appendString(leg.target, to: &out)
            out += "}"
        }
        return out + "]"
    }

    /// `lines` as a JSON array of strings.
    static func strings(_ lines: [String]) -> String {
        var out = "["
        for (index, line) in lines.enumerated() {
            if index > 0 { out += "," }
            appendString(line, to: &out)
        }
        return out + "]"
    }

    /// A date as `JSONEncoder`'s `.millisecondsSince1970` writes it: the `Double`, shortest form
    /// that reads back to the same value.
    static func milliseconds(_ date: Date) -> String {
        let value = date.timeIntervalSince1970 * 1000
        // An integral value in the exact range prints without ".0", as JSONEncoder does.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }

    /// `text` as a JSON string (RFC 8259 §7): quote, backslash and control characters escaped.
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        var plainStart = text.unicodeScalars.startIndex
        var index = plainStart
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String? = switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            default: scalar.value < 0x20 ? "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16) : nil
            }
            if let escape {
                out.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                out += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        out += "\""
    }
}
