/// An option-tag list: Supported, Require, Proxy-Require, Unsupported (RFC 3261 §20.37, §20.32,
/// §20.29, §20.40): `option-tag *(COMMA option-tag)`, `option-tag = token`.
///
/// Parses a whole comma-separated value (or one element of it); empty elements are skipped and
/// an empty value is an empty list (a `Supported:` header may be empty). Tags compare
/// case-insensitively.
public struct OptionTags: Hashable, Sendable, SIPGrammarValue, RandomAccessCollection {
    /// The tags in order, as written.
    public var tags: [String]

    /// Creates a list.
    public init(_ tags: [String] = []) { self.tags = tags }

    public var startIndex: Int { tags.startIndex }
    public var endIndex: Int { tags.endIndex }
    public subscript(position: Int) -> String { tags[position] }

    /// Whether `tag` is listed (any case).
    public func contains(_ tag: String) -> Bool {
        tags.contains { ASCII.equalsIgnoringCase($0, tag) }
    }

    /// `100rel` (RFC 3262).
    public static let reliableProvisional = "100rel"
    /// `timer` (RFC 4028).
    public static let timer = "timer"
    /// `replaces` (RFC 3891).
    public static let replaces = "replaces"
    /// `outbound` (RFC 5626).
    public static let outbound = "outbound"
    /// `path` (RFC 3327).
    public static let path = "path"
    /// `gruu` (RFC 5627).
    public static let gruu = "gruu"

    /// Parses `[option-tag *(COMMA option-tag)]`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .optionTag, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .optionTag)
        var tags: [String] = []
        repeat {
            scanner.skipLWS()
            if scanner.isAtEnd || scanner.peek == UInt8(ascii: ",") { continue }
            guard tags.count < SIPGrammarLimits.maxOptionTags else {
                throw scanner.error(.limitExceeded(SIPGrammarLimits.maxOptionTags))
            }
            tags.append(scanner.string(try scanner.token()))
            scanner.skipLWS()
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expectEnd()
        self.tags = tags
    }

    /// Appends `tag, tag`.
    public func write(into buffer: inout [UInt8]) {
        for (offset, tag) in tags.enumerated() {
            if offset > 0 { buffer.append(contentsOf: ", ".utf8) }
            buffer.append(contentsOf: tag.utf8)
        }
    }
}
