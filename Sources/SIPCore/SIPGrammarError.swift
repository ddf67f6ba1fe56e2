/// A value that a peer sent does not match its RFC grammar.
///
/// Says *what* is wrong (`reason`), *in which grammar element* (`element`) and *where*:
/// `offset` is the absolute index into the slice that was parsed (slices keep the indices of the
/// message storage they come from, so the offset points into the whole message).
public struct SIPGrammarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Hashable, Sendable {
        /// The element is empty where the grammar needs at least one character.
        case empty
        /// The input ended inside the element.
        case unexpectedEnd
        /// A byte that the element's grammar does not allow here.
        case unexpectedByte(UInt8)
        /// A `%` not followed by two hexadecimal digits (RFC 3261 §25.1 `escaped`).
        case invalidEscape
        /// Text that must be UTF-8 is not (RFC 3261 §25.1 `UTF8-NONASCII`).
        case invalidUTF8
        /// A number that is malformed or out of the element's range.
        case numberOutOfRange
        /// A host that is neither a hostname, an IPv4 address nor a bracketed IPv6 reference.
        case invalidHost
        /// A URI scheme this parser does not accept in this place.
        case unsupportedScheme
        /// A named limit of ``SIPGrammarLimits`` was exceeded; the payload is the limit's value.
        case limitExceeded(Int)
        /// A parameter the grammar requires is missing (for example `nonce` in a Digest challenge).
        case missingParameter
        /// A parameter appears with a value the grammar does not allow.
        case invalidParameterValue
    }

    /// The grammar element being parsed when the error was found.
    public enum Element: String, Hashable, Sendable {
        case uri, scheme, user, password, host, port, uriParameter, uriHeader
        case telephoneNumber, displayName, nameAddress, headerParameter, quotedString, token
        case via, sentProtocol, cseq, contact, mediaType, authParameter, challenge, credentials
        case reason, sessionExpires, rack, optionTag, number
    }

    /// What is wrong.
    public var reason: Reason
    /// Which grammar element was being parsed.
    public var element: Element
    /// Absolute index (in the parsed slice's index space) of the offending byte or end.
    public var offset: Int

    /// Creates an error.
    public init(_ reason: Reason, in element: Element, at offset: Int) {
        self.reason = reason
        self.element = element
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "is empty"
        case .unexpectedEnd: what = "ends unexpectedly"
        case .unexpectedByte(let byte):
            if byte >= 0x21 && byte < 0x7F {
                what = "has unexpected character '\(Character(Unicode.Scalar(byte)))'"
            } else {
                what = "has unexpected byte 0x\(String(byte, radix: 16, uppercase: true))"
            }
        case .invalidEscape: what = "has an invalid %HH escape"
        case .invalidUTF8: what = "is not valid UTF-8"
        case .numberOutOfRange: what = "has a malformed or out-of-range number"
        case .invalidHost: what = "has an invalid host"
        case .unsupportedScheme: what = "has an unsupported scheme"
        case .limitExceeded(let limit): what = "exceeds the limit of \(limit)"
        case .missingParameter: what = "lacks a required parameter"
        case .invalidParameterValue: what = "has an invalid parameter value"
        }
        return "\(element.rawValue) \(what) at offset \(offset)"
    }
}
