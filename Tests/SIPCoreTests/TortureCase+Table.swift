@testable import SIPCore

extension TortureCase {
    /// All 49 messages of RFC 4475 §3, in the RFC's order.
    static let all: [TortureCase] = valid + invalid + transaction + application + backwardCompatible

    /// §3.1.1: every element must accept these.
    static let valid: [TortureCase] = [
        .init("wsinv", "3.1.1.1", .valid, rfc: "A short tortuous INVITE: folding, escapes in quotes, empty Subject, "
              + "LWS everywhere, compact and long names, unknown headers and parameters; well-formed.", .parses),
        .init("intmeth", "3.1.1.2", .valid, rfc: "Wide range of valid characters: unknown method of token characters, "
              + "unusual Request-URI, quoted NUL/BEL/DEL, UTF-8 parameter and header values; well-formed.", .parses),
        .init("esc01", "3.1.1.3", .valid, rfc: "Valid use of %HH escaping in URIs; a parser must accept it.", .parses),
        .init("escnull", "3.1.1.4", .valid, rfc: "Escaped NULs in URI user parts; well-formed, registers two "
              + "distinct contacts.", .parses),
        .init("esc02", "3.1.1.5", .valid, rfc: "% where it is not an escape (method, display name, header name); "
              + "well-formed, two Contact values, not three.", .parses),
        .init("lwsdisp", "3.1.1.6", .valid, rfc: "No LWS between display name and <; accept (RFC 3261 grammar bug).",
              .parses),
        .init("longreq", "3.1.1.7", .valid, rfc: "Very long values and 34 Via values; well-formed.", .parses),
        .init("dblreq", "3.1.1.8", .valid, rfc: "Extra octets after a UDP message's body are noise (RFC 3261 §18.3): "
              + "handle the REGISTER, ignore the INVITE-looking rest.", .parses),
        .init("semiuri", "3.1.1.9", .valid, rfc: "Semicolon inside the Request-URI user part; user is "
              + "\"user;par=u@example.net\".", .parses),
        .init("transports", "3.1.1.10", .valid, rfc: "Via with UDP, SCTP, TLS, UNKNOWN and TCP transports; "
              + "well-formed.", .parses),
        .init("mpart01", "3.1.1.11", .valid, rfc: "multipart/mixed body with a binary part containing NULs; frame it "
              + "by Content-Length, accept it.", .parses),
        .init("unreason", "3.1.1.12", .valid, rfc: "200 with a UTF-8 reason phrase other than OK; accept.", .parses),
        .init("noreason", "3.1.1.13", .valid, rfc: "100 with an empty reason phrase (the SP after the code is "
              + "there); accept.", .parses),
    ]

    /// §3.1.2: syntactically invalid; the RFC says how to reject (or when an element may be liberal).
    static let invalid: [TortureCase] = [
        .init("badinv01", "3.1.2.1", .invalid, rfc: "Extra ; and , without parameters in Via and Contact: respond 400.",
              .headerRejected(.via, .headerParameter),
              choice: "Header values are parsed when read; the first element reading the top Via (every "
              + "transaction layer does) gets the grammar error and answers 400."),
        .init("clerr", "3.1.2.2", .invalid, rfc: "Content-Length larger than the body: over UDP respond 400; over a "
              + "stream wait for more bytes.", .rejected(.bodyShorterThanContentLength, status: 400),
              choice: "SIPParser is the UDP case. SIPStreamParser waits (TortureStreamTests)."),
        .init("ncl", "3.1.2.3", .invalid, rfc: "Negative Content-Length: respond with an error; over TCP the framing "
              + "is lost and the connection closed.", .rejected(.invalidContentLength, status: 400)),
        .init("scalar02", "3.1.2.4", .invalid, rfc: "CSeq > 2^32-1 (respond 400), Max-Forwards > 255, Expires and "
              + "Contact expires > 2^32-1 (may be treated as absent or default).", .headerRejected(.cseq, .number),
              choice: "The CSeq error rejects it. maxForwards reads 300 (the proxy clamps or treats it as absent); "
              + "expires is clamped to 2^32-1."),
        .init("scalarlg", "3.1.2.5", .invalid, rfc: "Response with CSeq > 2^32-1, huge Retry-After, 4-digit Warning "
              + "code: discard it.", .headerRejected(.cseq, .number),
              choice: "The transaction layer cannot match a response whose CSeq does not parse and drops it."),
        .init("quotbal", "3.1.2.6", .invalid, rfc: "Unterminated quote in the To display name: respond 400 (an "
              + "element may infer the quote).", .headerRejected(.to, .quotedString),
              choice: "We do not infer quotes: the To value is rejected when read."),
        .init("ltgtruri", "3.1.2.7", .invalid, rfc: "Request-URI enclosed in <>: reasonable always to reject with 400.",
              .headerRejected(.requestURI, .scheme),
              choice: "The start line is split on SP; the Request-URI grammar rejects '<' when it is read."),
        .init("lwsruri", "3.1.2.8", .invalid, rfc: "LWS inside the Request-URI: respond 400 (may ignore it where "
              + "unambiguous).", .rejected(.malformedStartLine, status: 400)),
        .init("lwsstart", "3.1.2.9", .invalid, rfc: "Several SP between start-line elements: acceptable to reject; a "
              + "liberal element may accept.", .rejected(.malformedStartLine, status: 400),
              choice: "Rejected: RFC 3261 §7.1 allows exactly one SP."),
        .init("trws", "3.1.2.10", .invalid, rfc: "SP after SIP-Version on the request line: acceptable to reject; a "
              + "liberal element may accept.", .rejected(.malformedStartLine, status: 400),
              choice: "Rejected: RFC 3261 §7.1 ends the Request-Line with SIP-Version CRLF."),
        .init("escruri", "3.1.2.11", .invalid, rfc: "Escaped headers in the Request-URI: acceptable to reject with "
              + "400; a liberal element ignores them and never forwards them.", .parses,
              choice: "Accepted: the URI's headers are kept apart (SIPURI.headers), and a B2BUA builds its own "
              + "Request-URI for the next hop, so they are never forwarded."),
        .init("baddate", "3.1.2.12", .invalid, rfc: "Non-GMT time zone in Date: reject only if the Date matters; "
              + "otherwise ignore it.", .parses,
              choice: "Accepted: Gatehouse never uses Date, so it is kept as opaque text."),
        .init("regbadct", "3.1.2.13", .invalid, rfc: "Contact URI with a header but without <>: reasonable to "
              + "respond 400.", .headerRejected(.contact, .contact),
              choice: "We do not infer the angle brackets: the Contact value is rejected when read."),
        .init("badaspec", "3.1.2.14", .invalid, rfc: "Spaces inside <> around the addr-spec: must not break; "
              + "reasonable to reject with 400; liberal elements may ignore the spaces.", .parses,
              choice: "Accepted: LWS just inside <> is unambiguous and dropped; the canonical form has none."),
        .init("baddn", "3.1.2.15", .invalid, rfc: "Unquoted display names with non-token characters: reasonable "
              + "always to reject with 400.", .rejected(.incomplete, status: 400),
              choice: "The archive's baddn.dat has no empty line after its headers, so the datagram parser "
              + "stops there; the From and To values are rejected as well (TortureInvalidMessageTests)."),
        .init("badvers", "3.1.2.16", .invalid, rfc: "SIP/7.0: respond 505 Version Not Supported.",
              .rejected(.unsupportedVersion, status: 505)),
        .init("mismatch01", "3.1.2.17", .invalid, rfc: "Request method OPTIONS, CSeq method INVITE: respond 400.",
              .rejectedByValidation(.cseqMethodMismatch),
              choice: "framing is sound, so SIPParser returns it; SIPMessage.validate() compares the CSeq method "
              + "with the request method (RFC 3261 §8.1.1.5) and builds the 400"),
        .init("mismatch02", "3.1.2.18", .invalid, rfc: "Unknown method NEWMETHOD with CSeq INVITE: respond 501 "
              + "(400 acceptable).", .parses,
              choice: "Parsed: the method is unknown to every element above SIPCore, which answers 501 as the RFC "
              + "prefers; the CSeq mismatch stays visible (TortureInvalidMessageTests)."),
        .init("bigcode", "3.1.2.19", .invalid, rfc: "Status code 4294967301: drop the response.",
              .rejected(.malformedStartLine, status: 400),
              choice: "A response is never answered: the error cannot build a response, the transport drops it."),
    ]

    /// §3.2: parses; the transaction layer decides.
    static let transaction: [TortureCase] = [
        .init("badbranch", "3.2.1", .transaction, rfc: "branch=z9hG4bK with no identifier after the cookie: must not "
              + "break; reject with 400 or fall back to RFC 2543 transaction matching.", .parses,
              choice: "Parsed; Via.isRFC3261Branch must be false so the transaction layer falls back to RFC 2543 "
              + "matching (TortureTransactionTests)."),
    ]

    /// §3.3: well-formed to a parser; the application (proxy, registrar, UA) answers.
    static let application: [TortureCase] = [
        .init("insuf", "3.3.1", .application, rfc: "No To, From, Call-ID or Max-Forwards: respond 400.",
              .rejected(.missingHeader(.from), status: 400),
              choice: "SIPParser checks Via, From, To, Call-ID and CSeq (RFC 3261 §8.1.1) and names the first "
              + "missing one; Max-Forwards is a proxy's business (RFC 3261 §16.3)."),
        .init("unkscm", "3.3.2", .application, rfc: "Request-URI with an unknown scheme: must not break; respond "
              + "416 Unsupported URI Scheme.", .parses,
              choice: "Parsed as URI.other; the routing layer answers 416."),
        .init("novelsc", "3.3.3", .application, rfc: "Request-URI soap.beep: a known but atypical scheme; a proxy "
              + "may handle it, else 416.", .parses, choice: "Parsed as URI.other; the routing layer decides."),
        .init("unksm2", "3.3.4", .application, rfc: "REGISTER with unknown schemes in To, From and Contact: must "
              + "not break; a registrar rejects it with 400, as the To of a REGISTER must be a SIP or SIPS AOR.",
              .parses, choice: "Parsed as URI.other in all three; the registrar checks the AOR's scheme."),
        .init("bext01", "3.3.5", .application, rfc: "Unsupported Require and Proxy-Require: proxy answers 420 for "
              + "Proxy-Require, UAS 420 for Require.", .parses,
              choice: "Both read as OptionTags; the B2BUA answers 420 with Unsupported."),
        .init("invut", "3.3.6", .application, rfc: "Unknown Content-Type application/unknownformat: UAS answers 415.",
              .parses, choice: "Parsed; the UAS answers 415 listing Accept."),
        .init("regaut01", "3.3.7", .application, rfc: "Authorization with an unknown scheme: a registrar ignores it "
              + "and challenges (401).", .parses,
              choice: "Read as DigestCredentials with scheme NoOneKnowsThisScheme (isDigest false)."),
        .init("multi01", "3.3.8", .application, rfc: "Several values in single-value fields (CSeq, Call-ID, To, From, "
              + "Max-Forwards): respond 400.", .rejectedByValidation(.repeatedSingleValueHeader(.to)),
              choice: "SIPParser indexes every field; SIPMessage.validate() refuses a second To, From, Call-ID, "
              + "CSeq or Max-Forwards (RFC 3261 §7.3.1) and builds the 400"),
        .init("mcl01", "3.3.9", .application, rfc: "Two Content-Length values: respond 400; over TCP close the "
              + "connection.", .rejected(.conflictingContentLength, status: 400)),
        .init("bcast", "3.3.10", .application, rfc: "200 OK whose second Via is 255.255.255.255: a proxy must not "
              + "send the response to a broadcast address.", .parses,
              choice: "Parsed; the response path checks the Via host (TortureApplicationTests)."),
        .init("zeromf", "3.3.11", .application, rfc: "Max-Forwards 0 is legal: a proxy answers 483 instead of "
              + "forwarding; an endpoint processes the request normally.", .parses,
              choice: "Parsed; maxForwards reads 0."),
        .init("cparam01", "3.3.12", .application, rfc: "Contact without <> whose ;unknownparam is a Contact (header) "
              + "parameter; accept.", .parses),
        .init("cparam02", "3.3.13", .application, rfc: "Contact with <> whose ;unknownparam is a URI parameter; accept.",
              .parses),
        .init("regescrt", "3.3.14", .application, rfc: "Contact URI with an escaped Route header inside <>: "
              + "well-formed; the registrar stores the contact with its header.", .parses,
              choice: "Parsed; the header is kept in SIPURI.headers for the registrar to judge."),
        .init("sdp01", "3.3.15", .application, rfc: "Accept text/nobodyKnowsThis with an SDP offer: UAS answers 406 "
              + "(or uses the offer).", .parses, choice: "Parsed; Accept is read by the UAS."),
    ]

    /// §3.4: an RFC 2543 INVITE.
    static let backwardCompatible: [TortureCase] = [
        .init("inv2543", "3.4.1", .backwardCompatible, rfc: "RFC 2543 syntax: no branch, no Max-Forwards, "
              + "no Content-Length over UDP, ;user=phone outside <>; accept and process.", .parses,
              choice: "Parsed; no branch means RFC 2543 transaction matching; the body is the rest of the datagram."),
    ]
}
