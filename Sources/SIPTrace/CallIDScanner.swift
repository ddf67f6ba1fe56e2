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
        // A message in contiguous memory (an array, a buffer) is scanned in place, not copied.
        let prefix = message.prefix(maxScannedBytes)
        if let found = prefix.withContiguousStorageIfAvailable({ scan($0) }) { return found }
        return scan(Array(prefix))
    }

    private static func scan<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> String? where Bytes.Index == Int {
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

    private static func value<Line: RandomAccessCollection<UInt8>>(of line: Line) -> String? where Line.Index == Int {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon]
        guard isName(name, "call-id") || isName(name, "i") else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var value = line[(colon + 1)...]
        while let first = value.first, isSpace(first) { value = value.dropFirst() }
        while let last = value.last, isSpace(last) { value = value.dropLast() }
        guard !value.isEmpty, value.count <= maxCallIDLength else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// Whether `name`, without its spaces and tabs and in lower case, is `expected` (lower case);
    /// compared in place, with no copy of the header line.
    private static func isName(_ name: some Collection<UInt8>, _ expected: StaticString) -> Bool {
        var position = 0
        let count = expected.utf8CodeUnitCount
        let target = expected.utf8Start
        for byte in name where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
            guard position < count, (byte >= 65 && byte <= 90 ? byte + 32 : byte) == target[position] else { return false }
            position += 1
        }
        return position == count
    }
}
