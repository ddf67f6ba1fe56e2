/// One SDP line's bytes, read in place by the parser (valid only while the body is being parsed).
///
/// The fast paths of ``SessionDescriptionBuilder`` read fields as ranges of these bytes and make
/// a `String` only for what the model keeps: no per-line `String`, no arrays of `Substring`s.
typealias LineBytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes in `range` as text (the parser validated the line's UTF-8 before).
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
    }

    /// The whole buffer as text.
    var string: String { string(0..<count) }

    /// A non-negative decimal without sign or spaces of at most `maxDigits` digits, as
    /// ``parseDecimal(_:maxDigits:)`` reads it.
    func decimal(_ range: Range<Int>, maxDigits: Int = 9) -> Int? {
        guard !range.isEmpty, range.count <= maxDigits else { return nil }
        var value = 0
        for index in range {
            let byte = self[index]
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return value
    }

    /// True when every byte in `range` is an ASCII digit.
    func allDigits(_ range: Range<Int>) -> Bool {
        for index in range where !isDigit(self[index]) { return false }
        return true
    }

    /// The first index of `byte` in `range`, or nil.
    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        for index in range where self[index] == byte { return index }
        return nil
    }

    /// True when the bytes in `range` equal the lower-case ASCII `token`, ignoring ASCII case.
    func equalsLowercased(_ range: Range<Int>, _ token: StaticString) -> Bool {
        guard range.count == token.utf8CodeUnitCount else { return false }
        let other = token.utf8Start
        var offset = 0
        for index in range {
            guard self[index].asciiLowercased == other[offset] else { return false }
            offset += 1
        }
        return true
    }
}

/// Yields the fields of an SDP value separated by runs of spaces and tabs, as ranges, the way
/// ``splitFields(_:)`` splits them, without allocating.
struct FieldScanner {
    let bytes: LineBytes
    private(set) var index: Int

    init(_ bytes: LineBytes, from start: Int = 0) {
        self.bytes = bytes
        self.index = start
    }

    mutating func next() -> Range<Int>? {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
        return start..<index
    }

    /// True when no field follows.
    mutating func atEnd() -> Bool {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        return index == bytes.count
    }
}
