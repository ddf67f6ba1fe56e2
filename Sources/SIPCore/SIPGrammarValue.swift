/// A value grammar of SIP: parsed from bytes, written back as bytes.
///
/// Every conforming type parses exactly one value (header-level comma splitting belongs to the
/// message layer) from an `ArraySlice<UInt8>` whose indices may start anywhere; leading and
/// trailing linear white space is ignored.
public protocol SIPGrammarValue: Sendable, CustomStringConvertible {
    /// Parses one value from `bytes`.
    init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError)
    /// Appends the canonical wire form of the value to `buffer`.
    func write(into buffer: inout [UInt8])
}

extension SIPGrammarValue {
    /// Parses one value from the UTF-8 of `string`.
    public init(parsing string: String) throws(SIPGrammarError) {
        try self.init(parsing: ArraySlice(string.utf8))
    }

    /// The canonical wire form of the value.
    public var description: String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64)
        write(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
