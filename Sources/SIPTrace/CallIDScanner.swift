/// Finds the Call-ID header value in a raw SIP message without a full parse.
///
/// RFC 3261 §20.8: `Call-ID` (compact form `i`), header names case-insensitive (§7.3.1). Only the
/// header section is scanned, at most `maxScannedBytes`; folded header values (§7.3.1 LWS) are
/// not joined (a Call-ID is a single token in practice). Peer input never traps: a message
/// without a readable Call-ID gives `nil`.
public enum CallIDScanner {
    /// How far into a message the scanner looks for the header.
    public static let maxScannedBytes = 16_384
    /// The longest Call-ID value accepted.
    public static let maxCallIDLength = 256

    /// The Call-ID of `message`, or `nil` if there is none in the scanned header section.
    public static func callID(in message: some Collection<UInt8>) -> String? {
        let bytes = Array(message.prefix(maxScannedBytes))
        var lineStart = 0
        var index = 0
        var firstLine = true
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\n") else {
                index += 1
                continue
            }
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd == lineStart { return nil } // end of headers
            if !firstLine, let value = value(of: bytes[lineStart..<lineEnd]) { return value }
            firstLine = false
            index += 1
            lineStart = index
        }
        return nil
    }

    private static func value(of line: ArraySlice<UInt8>) -> String? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon].filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        let lowered = name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard lowered.elementsEqual("call-id".utf8) || lowered.elementsEqual("i".utf8) else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var value = line[(colon + 1)...]
        while let first = value.first, isSpace(first) { value = value.dropFirst() }
        while let last = value.last, isSpace(last) { value = value.dropLast() }
        guard !value.isEmpty, value.count <= maxCallIDLength else { return nil }
        return String(decoding: value, as: UTF8.self)
    }
}
