/// A defect in a session description: where (1-based line number, 0 for the whole body) and
/// what. A B2BUA answers an INVITE carrying one with 488 or 400 (RFC 3261 §21.4.26).
public struct SDPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number counted over the whole body (blank lines included), 0 when the
    /// defect concerns the body as a whole.
    public var line: Int
    /// What is wrong.
    public var kind: Kind

    /// What is wrong with the description.
    public enum Kind: Error, Sendable, Hashable {
        /// The body is larger than ``SDPParser/Limits/maxBytes``.
        case tooLarge(limit: Int)
        /// More lines than ``SDPParser/Limits/maxLines``.
        case tooManyLines(limit: Int)
        /// A line longer than ``SDPParser/Limits/maxLineLength``.
        case lineTooLong(limit: Int)
        /// More `m=` sections than ``SDPParser/Limits/maxMediaSections``.
        case tooManyMediaSections(limit: Int)
        /// More formats on one `m=` line than ``SDPParser/Limits/maxFormatsPerMedia``.
        case tooManyFormats(limit: Int)
        /// More `a=` lines than ``SDPParser/Limits/maxAttributes`` in the whole body.
        case tooManyAttributes(limit: Int)
        /// No lines at all.
        case empty
        /// The line is not valid UTF-8 (RFC 8866 §5 allows UTF-8 text only).
        case invalidUTF8
        /// The line holds a control character other than tab.
        case controlCharacter
        /// The line is not `<type>=<value>` with a lower-case letter as type.
        case notATypeValueLine
        /// A type letter RFC 8866 does not define; §5 makes the whole description unusable.
        case unknownType(Character)
        /// The first line is not `v=`.
        case versionNotFirst
        /// `v=` other than 0 (RFC 8866 §5.1).
        case unsupportedVersion(String)
        /// A mandatory line (`o=`, `s=`) is missing.
        case missing(Character)
        /// A line that may appear once appeared twice.
        case duplicate(Character)
        /// A line in a place it may not be: a session-only line in a media section, or `r=`
        /// before any `t=`.
        case misplaced(Character)
        /// A known line or attribute whose value breaks its grammar.
        case malformed(field: String, reason: String)
    }

    /// Creates an error.
    public init(line: Int, _ kind: Kind) {
        self.line = line
        self.kind = kind
    }

    public var description: String {
        let place = line == 0 ? "SDP" : "SDP line \(line)"
        switch kind {
        case .tooLarge(let limit): return "\(place): body larger than \(limit) bytes"
        case .tooManyLines(let limit): return "\(place): more than \(limit) lines"
        case .lineTooLong(let limit): return "\(place): line longer than \(limit) bytes"
        case .tooManyMediaSections(let limit): return "\(place): more than \(limit) m= sections"
        case .tooManyFormats(let limit): return "\(place): more than \(limit) formats on one m= line"
        case .tooManyAttributes(let limit): return "\(place): more than \(limit) a= lines"
        case .empty: return "\(place): empty body"
        case .invalidUTF8: return "\(place): not valid UTF-8"
        case .controlCharacter: return "\(place): control character"
        case .notATypeValueLine: return "\(place): not a '<type>=<value>' line"
        case .unknownType(let type): return "\(place): unknown line type '\(type)='"
        case .versionNotFirst: return "\(place): the first line must be v=0"
        case .unsupportedVersion(let version): return "\(place): unsupported version v=\(version)"
        case .missing(let type): return "\(place): missing \(type)= line"
        case .duplicate(let type): return "\(place): second \(type)= line"
        case .misplaced(let type): return "\(place): \(type)= line not allowed here"
        case .malformed(let field, let reason): return "\(place): bad \(field): \(reason)"
        }
    }
}
