import SIPCore

/// The key that matches a response to its client transaction (RFC 3261 §17.1.3): the branch of
/// the top Via (which this element generated, so it is unique) and the method of the request,
/// read from the response's CSeq. The method keeps a CANCEL's responses, which share the INVITE's
/// branch, apart from the INVITE's.
public struct ClientTransactionKey: Hashable, Sendable {
    /// The branch parameter of the top Via.
    public let branch: String
    /// The method of the request that created the transaction.
    public let method: SIPMethod
    /// The hash of both, computed once: the key is looked up several times per transaction.
    private let precomputedHash: Int

    /// A key from its parts.
    public init(branch: String, method: SIPMethod) {
        self.branch = branch
        self.method = method
        var hasher = Hasher()
        hasher.combine(branch)
        hasher.combine(method)
        self.precomputedHash = hasher.finalize()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(precomputedHash)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.precomputedHash == rhs.precomputedHash && lhs.branch == rhs.branch && lhs.method == rhs.method
    }

    /// The key of the client transaction `request` creates: its top Via branch and its method.
    /// Nil for a request without a branch, and for an ACK, which never creates a client
    /// transaction (§17.1.1.3: the ACK for a non-2xx belongs to the INVITE's transaction; the
    /// ACK for a 2xx is sent by the TU outside any transaction, §13.2.2.4).
    public init?(request: SIPMessage) {
        guard let method = request.method, method != .ack, let branch = request.topViaBranch, !branch.isEmpty
        else { return nil }
        self.init(branch: branch, method: method)
    }

    /// The key `response` matches (§17.1.3): its top Via branch and its CSeq method. Nil when
    /// either is missing; such a response matches no transaction and is dropped (§18.1.2).
    public init?(response: SIPMessage) {
        guard !response.isRequest, let branch = response.topViaBranch, !branch.isEmpty,
            let method = response.cseqMethod
        else { return nil }
        self.init(branch: branch, method: method)
    }

    /// A new branch for a client transaction: the magic cookie `z9hG4bK` (§8.1.1.7) and 64
    /// random bits (kernel CSPRNG drawn in blocks, ``PooledRandom``), unique across space and
    /// time for all practical purposes.
    public static func makeBranch() -> String {
        "z9hG4bK" + String(PooledRandom.next64(), radix: 36)
    }
}

/// The key that matches a request to its server transaction (RFC 3261 §17.2.3).
///
/// Requests whose top Via branch starts with the magic cookie use ``rfc3261(branch:sentBy:method:)``.
/// Older (RFC 2543) requests fall back to ``rfc2543(_:)``, built from the fields that identified a
/// transaction before branches were unique.
///
/// In both forms an ACK takes the method INVITE, so that the ACK for a non-2xx response finds the
/// INVITE's transaction. A CANCEL keeps its own method (it is a transaction of its own); the INVITE
/// it cancels is found with ``init(cancelledBy:)`` (§9.2).
public struct ServerTransactionKey: Hashable, Sendable {
    /// The two forms of §17.2.3 matching.
    public enum Form: Hashable, Sendable {
        /// §17.2.3 for a branch with the magic cookie: branch, sent-by (`host[:port]`,
        /// lower-cased) and method, with ACK counting as INVITE.
        case rfc3261(branch: String, sentBy: String, method: SIPMethod)
        /// §17.2.3 for RFC 2543 requests.
        case rfc2543(RFC2543TransactionID)
    }

    /// The fields that identify the transaction.
    public let form: Form
    /// The hash of ``form``, computed once: a key is looked up several times per transaction
    /// (request, retransmissions, each response of the TU, ACK, termination), and its Strings
    /// would otherwise be hashed each time.
    private let precomputedHash: Int

    /// A key of the given form.
    public init(_ form: Form) {
        self.form = form
        self.precomputedHash = form.hashValue
    }

    /// §17.2.3 for a branch with the magic cookie.
    public static func rfc3261(branch: String, sentBy: String, method: SIPMethod) -> Self {
        Self(.rfc3261(branch: branch, sentBy: sentBy, method: method))
    }

    /// §17.2.3 for RFC 2543 requests.
    public static func rfc2543(_ id: RFC2543TransactionID) -> Self {
        Self(.rfc2543(id))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(precomputedHash)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.precomputedHash == rhs.precomputedHash && lhs.form == rhs.form
    }

    /// The magic cookie that marks an RFC 3261 branch (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    /// The key of the server transaction `request` belongs to (or creates). Nil when the request
    /// lacks the fields matching needs (top Via, Call-ID, CSeq); the transport answers such a
    /// request 400 or drops it.
    public init?(request: SIPMessage) {
        guard let method = request.method else { return nil }
        self.init(request: request, matchingMethod: method == .ack ? .invite : method)
    }

    /// The key of the transaction a CANCEL cancels (§9.2): the CANCEL's key computed as if its
    /// method were the cancelled request's. Only INVITE transactions are looked for: a CANCEL of a
    /// non-INVITE request has no effect (§9.1 says not to send one), so it is answered like a
    /// CANCEL that matches nothing.
    public init?(cancelledBy cancel: SIPMessage) {
        guard cancel.method == .cancel else { return nil }
        self.init(request: cancel, matchingMethod: .invite)
    }

    private init?(request: SIPMessage, matchingMethod: SIPMethod) {
        if let branch = request.topViaBranch, branch.hasPrefix(Self.magicCookie) {
            guard let sentBy = request.topViaSentBy else { return nil }
            self = .rfc3261(branch: branch, sentBy: sentBy, method: matchingMethod)
            return
        }
        guard let legacy = RFC2543TransactionID(request: request, method: matchingMethod) else { return nil }
        self = .rfc2543(legacy)
    }

    /// True when the request carried an RFC 3261 branch.
    public var isRFC3261: Bool {
        if case .rfc3261 = form { return true }
        return false
    }
}

/// The RFC 2543 transaction identity of §17.2.3: Request-URI, From tag, Call-ID, CSeq number,
/// method (ACK counting as INVITE) and the whole top Via.
///
/// Departures, both harmless for a UAS or B2BUA:
/// - Fields compare by their bytes (the top Via with whitespace removed and lower-cased), not by
///   the per-field equivalence rules; a retransmission repeats the bytes of the original.
/// - The To tag is left out. §17.2.3 uses it to tell the ACK for a 2xx from the ACK for a non-2xx,
///   but an ACK carries the response's new tag while the INVITE that keyed the transaction
///   usually had none, so it cannot be part of one hash key. The transaction's state tells the two
///   ACKs apart instead: Completed takes the ACK for its non-2xx, Accepted passes the ACK for its
///   2xx to the TU (RFC 6026 §8.7).
public struct RFC2543TransactionID: Hashable, Sendable {
    /// The Request-URI as written.
    public var requestURI: String
    /// The From tag, if any (RFC 2543 made it optional).
    public var fromTag: String?
    /// The Call-ID.
    public var callID: String
    /// The CSeq sequence number.
    public var cseqNumber: UInt32
    /// The request's method, ACK counting as INVITE.
    public var method: SIPMethod
    /// The top Via value, whitespace removed and lower-cased.
    public var topVia: String

    init?(request: SIPMessage, method: SIPMethod) {
        guard let requestLine = request.requestLine, let callID = request.callID,
            let cseqNumber = request.cseqNumber, let via = request.topVia
        else { return nil }
        self.requestURI = requestLine.uriString
        self.fromTag = request.fromTag
        self.callID = callID
        self.cseqNumber = cseqNumber
        self.method = method
        self.topVia = String(decoding: via.lazy.filter { !$0.isLinearWhitespace }.map(\.asciiLowercased), as: UTF8.self)
    }
}

extension TransportReliability {
    /// The reliability of a Via transport name (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, any
    /// case): only UDP (and DTLS-over-UDP) is unreliable (RFC 3261 §17.1.1.2, §18).
    public init(viaTransport name: String) {
        switch name.uppercased() {
        case "UDP", "DTLS-UDP": self = .unreliable
        default: self = .reliable
        }
    }
}
