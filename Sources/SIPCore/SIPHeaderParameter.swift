/// Finds a header parameter (`;name=value`, RFC 3261 §7.3.1, §25.1 `generic-param`) in one
/// header value at message level, without parsing the value's full grammar: parameters inside
/// `<...>` (URI parameters) and quoted strings are skipped. Used for the tags that identify a
/// dialog (RFC 3261 §12) and for building responses; the full grammar is the value types'.
public enum SIPHeaderParameter {
    /// The value of parameter `name` (lower case, compared case-insensitively) in `value`;
    /// an empty slice for a parameter without `=value`, nil when absent.
    public static func value(named name: String, in value: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var inQuotes = false
        var angleDepth = 0
        var index = value.startIndex
        let end = value.endIndex
        while index < end {
            let byte = value[index]
            if inQuotes {
                if byte == Octet.backslash { index += 1 } else if byte == Octet.quote { inQuotes = false }
            } else if byte == Octet.quote {
                inQuotes = true
            } else if byte == Octet.lessThan {
                angleDepth += 1
            } else if byte == Octet.greaterThan {
                if angleDepth > 0 { angleDepth -= 1 }
            } else if byte == Octet.semicolon && angleDepth == 0 {
                var nameStart = index + 1
                while nameStart < end, Octet.isWhitespace(value[nameStart]) { nameStart += 1 }
                var nameEnd = nameStart
                while nameEnd < end, Octet.isTokenByte(value[nameEnd]) { nameEnd += 1 }
                if value[nameStart..<nameEnd].equalsLowercased(name.utf8) {
                    var cursor = nameEnd
                    while cursor < end, Octet.isWhitespace(value[cursor]) { cursor += 1 }
                    guard cursor < end, value[cursor] == Octet.equals else { return value[cursor..<cursor] }
                    cursor += 1
                    while cursor < end, Octet.isWhitespace(value[cursor]) { cursor += 1 }
                    var valueEnd = cursor
                    if cursor < end, value[cursor] == Octet.quote {
                        valueEnd += 1
                        while valueEnd < end, value[valueEnd] != Octet.quote {
                            if value[valueEnd] == Octet.backslash { valueEnd += 1 }
                            valueEnd += 1
                        }
                        valueEnd = min(valueEnd + 1, end)
                    } else {
                        while valueEnd < end, value[valueEnd] != Octet.semicolon, value[valueEnd] != Octet.comma,
                            !Octet.isWhitespace(value[valueEnd])
                        {
                            valueEnd += 1
                        }
                    }
                    return value[cursor..<valueEnd]
                }
                index = nameEnd
                continue
            }
            index += 1
        }
        return nil
    }
}
