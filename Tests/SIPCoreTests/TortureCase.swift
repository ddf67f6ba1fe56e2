import Testing
@testable import SIPCore

/// One RFC 4475 torture message (`Fixtures/torture/<file>.dat`), what the RFC says of it, and
/// what SIPCore does with it.
///
/// The fixtures are byte-exact: CRLF line ends, `<allOneLine>` and `<repeat>` expanded, and the
/// RFC's `<hex>` octets (intmeth's BEL/NUL/DEL and UTF-8, unreason's UTF-8 reason phrase,
/// mpart01's DER body) written as the bytes they stand for. Every valid message's
/// Content-Length equals its body's size. baddn.dat ends after its last header line with no
/// empty line, as the RFC's archive has it.
struct TortureCase: Sendable, CustomTestStringConvertible {
    /// The RFC's section groups.
    enum Group: String, Sendable {
        case valid = "3.1.1 valid"
        case invalid = "3.1.2 invalid"
        case transaction = "3.2 transaction layer"
        case application = "3.3 application layer"
        case backwardCompatible = "3.4 backward compatibility"
    }

    /// The file name without `.dat`, as the RFC names it.
    let file: String
    /// The RFC 4475 section.
    let section: String
    let group: Group
    /// What the RFC says an element does with the message.
    let rfc: String
    /// What SIPCore does.
    let outcome: TortureOutcome
    /// Why, where the RFC leaves the element a choice (or the check belongs above SIPCore).
    let choice: String?
    /// A gap between `outcome` (what we want) and SIPCore today; the check runs inside
    /// `withKnownIssue` and fails loudly once the gap is closed.
    let knownIssue: String?

    init(_ file: String, _ section: String, _ group: Group, rfc: String, _ outcome: TortureOutcome,
         choice: String? = nil, knownIssue: String? = nil) {
        self.file = file
        self.section = section
        self.group = group
        self.rfc = rfc
        self.outcome = outcome
        self.choice = choice
        self.knownIssue = knownIssue
    }

    var testDescription: String { "\(file).dat (RFC 4475 §\(section))" }
}

/// What SIPCore does with a torture message.
enum TortureOutcome: Sendable {
    /// `SIPParser` returns the message and every typed header a B2BUA reads parses.
    case parses
    /// `SIPParser` throws this defect, and the error response (when one can be built) has
    /// `status`.
    case rejected(ParseDefect, status: Int)
    /// `SIPParser` returns the message (header values are parsed when read); reading `field`
    /// throws a grammar error in `element`. The element reading it answers 400.
    case headerRejected(TypedField, SIPGrammarError.Element)
    /// `SIPParser` returns the message; `SIPMessage.validate()` (what an element runs before
    /// acting on it) throws this defect, answered 400.
    case rejectedByValidation(SIPParseError.Kind)
    /// `SIPParser` throws, whatever the defect (only for known issues).
    case rejectedSomehow
}

/// The `SIPParseError.Kind` cases the torture messages trigger, without their payloads.
enum ParseDefect: Sendable, Equatable {
    case incomplete, malformedStartLine, unsupportedVersion, invalidContentLength
    case conflictingContentLength, bodyShorterThanContentLength
    case missingHeader(HeaderName)

    func matches(_ kind: SIPParseError.Kind) -> Bool {
        switch (self, kind) {
        case (.incomplete, .incomplete), (.malformedStartLine, .malformedStartLine),
             (.unsupportedVersion, .unsupportedVersion), (.invalidContentLength, .invalidContentLength),
             (.conflictingContentLength, .conflictingContentLength),
             (.bodyShorterThanContentLength, .bodyShorterThanContentLength):
            return true
        case (.missingHeader(let expected), .missingHeader(let found)):
            return expected == found
        default:
            return false
        }
    }
}

/// A typed header accessor of `SIPMessage`.
enum TypedField: String, Sendable, CaseIterable {
    case requestURI, via, from, to, cseq, contact, route, contentType

    /// Reads the field, throwing its grammar error.
    func read(_ message: SIPMessage) throws(SIPGrammarError) {
        switch self {
        case .requestURI: _ = try message.requestURI
        case .via: _ = try message.via
        case .from: _ = try message.from
        case .to: _ = try message.to
        case .cseq: _ = try message.cseq
        case .contact: _ = try message.contact
        case .route: _ = try message.route
        case .contentType: _ = try message.contentType
        }
    }
}
