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
        // Every traced message passes here: an array is scanned in place, without a copy.
        if let array = message as? [UInt8] { return callID(inSlice: array.prefix(maxScannedBytes)) }
        return callID(inSlice: Array(message.prefix(maxScannedBytes))[...])
    }

    private static func callID(inSlice bytes: ArraySlice<UInt8>) -> String? {
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        var firstLine = true
        while index < bytes.endIndex {
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

    private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Whether `name` (spaces and tabs ignored, ASCII case-insensitive) is `expected` (lower case).
    private static func nameIs(_ name: ArraySlice<UInt8>, _ expected: StaticString) -> Bool {
        var position = 0
        let count = expected.utf8CodeUnitCount
        return expected.withUTF8Buffer { expected in
            for byte in name where !isSpace(byte) {
                let lowered = byte >= 65 && byte <= 90 ? byte + 32 : byte
                guard position < count, lowered == expected[position] else { return false }
                position += 1
            }
            return position == count
        }
    }

    private static func value(of line: ArraySlice<UInt8>) -> String? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon]
        guard nameIs(name, "call-id") || nameIs(name, "i") else { return nil }
        var value = line[(colon + 1)...]
        while let first = value.first, isSpace(first) { value = value.dropFirst() }
        while let last = value.last, isSpace(last) { value = value.dropLast() }
        guard !value.isEmpty, value.count <= maxCallIDLength else { return nil }
        return String(decoding: value, as: UTF8.self)
    }
}
