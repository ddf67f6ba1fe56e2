/// A borrowed view of bytes that keeps the absolute indices of the slice it was made from.
///
/// Parsers run on this instead of `ArraySlice<UInt8>` so that scanning costs no reference
/// counting; the view is only valid inside ``with(_:_:)``. Subscripts check bounds: an index
/// outside the view is a bug of ours and traps rather than reading foreign memory.
struct ByteView: RandomAccessCollection {
    typealias Index = Int
    typealias Indices = Range<Int>
    typealias SubSequence = ByteView

    /// Address of the byte at `startIndex`; nil only when the view is empty.
    let base: UnsafePointer<UInt8>?
    let startIndex: Int
    let endIndex: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, startIndex: Int) {
        self.base = buffer.baseAddress
        self.startIndex = startIndex
        self.endIndex = startIndex + buffer.count
    }

    private init(base: UnsafePointer<UInt8>?, startIndex: Int, endIndex: Int) {
        self.base = base
        self.startIndex = startIndex
        self.endIndex = endIndex
    }

    @inline(__always)
    subscript(position: Int) -> UInt8 {
        precondition(position >= startIndex && position < endIndex, "ByteView index out of range")
        return base.unsafelyUnwrapped[position &- startIndex]
    }

    /// The byte at `position` without the bounds check, for scanning loops that have just
    /// compared `position` with `endIndex` and never go below `startIndex`.
    @inline(__always)
    func unchecked(_ position: Int) -> UInt8 {
        base.unsafelyUnwrapped[position &- startIndex]
    }

    subscript(bounds: Range<Int>) -> ByteView {
        precondition(bounds.lowerBound >= startIndex && bounds.upperBound <= endIndex, "ByteView range out of range")
        return ByteView(base: base.map { $0 + (bounds.lowerBound - startIndex) },
                        startIndex: bounds.lowerBound, endIndex: bounds.upperBound)
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: endIndex - startIndex) }

    /// The bytes as a String (callers pass ASCII or already-validated text).
    var string: String { String(decoding: buffer, as: UTF8.self) }

    /// The bytes as a String if they are valid UTF-8.
    var validatedString: String? {
        let bytes = buffer
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Runs `body` on a view of `slice` that keeps the slice's indices.
    @inline(__always)
    static func with<Result>(
        _ slice: ArraySlice<UInt8>, _ body: (ByteView) throws(SIPGrammarError) -> Result
    ) throws(SIPGrammarError) -> Result {
        try slice.withUnsafeBufferPointer { (buffer) throws(SIPGrammarError) -> Result in
            try body(ByteView(buffer, startIndex: slice.startIndex))
        }
    }

    /// Runs `body` on a view of the UTF-8 of `string`, indexed from 0.
    static func with<Result>(_ string: String, _ body: (ByteView) -> Result) -> Result {
        var string = string
        return string.withUTF8 { body(ByteView($0, startIndex: 0)) }
    }
}
