import SIPCore

/// Why a dialog could not be created from a request and a response.
public enum SIPDialogError: Error, Sendable, Hashable {
    /// A field the dialog needs is missing or malformed (Call-ID, From, To, CSeq, tags).
    case missingField(String)
    /// The response has no To tag: it does not create a dialog (RFC 3261 §12.1).
    case missingRemoteTag
}

/// A dialog per RFC 3261 §12: the state two user agents share for one call leg. A pure value:
/// it is created from a dialog-forming request and response (§12.1), builds in-dialog requests
/// (§12.2.1.1), checks incoming ones (§12.2.2) and refreshes its remote target.
///
/// The gateway keeps one per leg: a UAS dialog toward the caller (created from the caller's
/// INVITE and our 18x/2xx with our To tag) and a UAC dialog per outbound leg (created from our
/// INVITE and a 18x/2xx carrying the callee's To tag).
public struct SIPDialog: Sendable, Hashable {
    /// Which side of the dialog-forming INVITE we were.
    public enum Role: Sendable, Hashable { case uac, uas }

    /// Call-ID, local tag and remote tag (§12): what identifies a dialog.
    public struct ID: Sendable, Hashable, CustomStringConvertible {
        public var callID: String
        public var localTag: String
        public var remoteTag: String

        /// Creates an identifier.
        public init(callID: String, localTag: String, remoteTag: String) {
            self.callID = callID
            self.localTag = localTag
            self.remoteTag = remoteTag
        }

        public var description: String { "\(callID);local=\(localTag);remote=\(remoteTag)" }
    }

    /// The outcome of the §12.2.2 CSeq check on an incoming request.
    public enum SequenceVerdict: Sendable, Hashable {
        /// In order: process it.
        case accept
        /// Lower than the last one seen: answer 500 (Server Internal Error).
        case outOfOrder
    }

    public private(set) var id: ID
    public let role: Role
    /// Our URI with our tag: From of the requests we send.
    public private(set) var local: NameAddress
    /// The peer's URI with its tag: To of the requests we send.
    public private(set) var remote: NameAddress
    /// Where requests go: the peer's Contact (§12.1.1, §12.1.2), refreshed by target-refresh
    /// requests and their 2xx (§12.2).
    public private(set) var remoteTarget: URI
    /// The route set, in the order of the Route headers we send (§12.1.1: as received for a
    /// UAS; §12.1.2: reversed for a UAC).
    public private(set) var routeSet: [NameAddress]
    /// The CSeq number of the last request we sent (0 before the first one for a UAS dialog).
    public internal(set) var localSequence: UInt32
    /// The CSeq number of the last request the peer sent; nil until one arrives.
    public private(set) var remoteSequence: UInt32?
    /// True while only a provisional response created it (§12.1: an early dialog).
    public private(set) var isEarly: Bool

    /// The UAS dialog of an INVITE we answer with `response` (a 101–299 carrying our To tag),
    /// RFC 3261 §12.1.1: route set from Record-Route in order, remote target from Contact,
    /// remote sequence from the request's CSeq, local sequence empty.
    public init(uas request: SIPMessage, response: SIPMessage) throws(SIPDialogError) {
        guard let callID = request.callID else { throw .missingField("Call-ID") }
        guard let from = try? request.from, let remoteTag = from.tag else { throw .missingField("From tag") }
        guard var to = try? request.to else { throw .missingField("To") }
        guard let localTag = response.toTag else { throw .missingField("To tag of our response") }
        guard let cseq = try? request.cseq else { throw .missingField("CSeq") }
        to.tag = localTag
        self.id = ID(callID: callID, localTag: localTag, remoteTag: remoteTag)
        self.role = .uas
        self.local = to
        self.remote = from
        self.routeSet = (try? request.recordRoute) ?? []
        self.remoteTarget = Self.contactURI(of: request) ?? (try? request.requestURI) ?? from.uri
        self.localSequence = 0
        self.remoteSequence = cseq.sequenceNumber
        self.isEarly = (response.statusCode ?? 200) < 200
    }

    /// The UAC dialog of our `request` answered by `response` (a 101–299 with a To tag),
    /// RFC 3261 §12.1.2: route set from Record-Route in reverse order, remote target from
    /// Contact (the Request-URI until one arrives), local sequence from the request's CSeq.
    public init(uac request: SIPMessage, response: SIPMessage) throws(SIPDialogError) {
        guard let callID = request.callID else { throw .missingField("Call-ID") }
        guard let from = try? request.from, let localTag = from.tag else { throw .missingField("From tag") }
        guard let to = try? response.to else { throw .missingField("To") }
        guard let remoteTag = to.tag else { throw .missingRemoteTag }
        guard let cseq = try? request.cseq else { throw .missingField("CSeq") }
        self.id = ID(callID: callID, localTag: localTag, remoteTag: remoteTag)
        self.role = .uac
        self.local = from
        self.remote = to
        self.routeSet = ((try? response.recordRoute) ?? []).reversed()
        self.remoteTarget = Self.contactURI(of: response) ?? (try? request.requestURI) ?? to.uri
        self.localSequence = cseq.sequenceNumber
        self.remoteSequence = nil
        self.isEarly = (response.statusCode ?? 200) < 200
    }

    /// Takes a later response to the dialog-forming INVITE: a 2xx confirms an early dialog and
    /// (for a UAC) recomputes the route set, which §12.1.2 takes from the 2xx; a Contact in a
    /// 1xx/2xx updates the remote target (§12.1.2, target refresh §12.2.1.2).
    public mutating func update(with response: SIPMessage) {
        guard let status = response.statusCode, (101..<300).contains(status) else { return }
        // A UAS dialog's own responses change nothing but its state.
        if role == .uac, let target = Self.contactURI(of: response) { remoteTarget = target }
        if role == .uac, isEarly, status >= 200 {
            routeSet = ((try? response.recordRoute) ?? []).reversed()
        }
        if status >= 200 { isEarly = false }
    }

    /// True when `message` (a request from the peer) belongs to this dialog (§12.2.2): same
    /// Call-ID, its To tag is our local tag and its From tag the remote tag.
    public func matches(_ message: SIPMessage) -> Bool {
        message.callID == id.callID && message.toTag == id.localTag && message.fromTag == id.remoteTag
    }

    /// The dialog ID an incoming request names from our side: (Call-ID, To tag, From tag).
    public static func incomingID(of request: SIPMessage) -> ID? {
        guard let callID = request.callID, let local = request.toTag, let remote = request.fromTag else { return nil }
        return ID(callID: callID, localTag: local, remoteTag: remote)
    }

    /// The §12.2.2 CSeq check of an incoming in-dialog request. ACK and CANCEL carry the CSeq
    /// of the request they belong to and are not checked. An accepted request raises the
    /// remote sequence number.
    public mutating func checkSequence(of request: SIPMessage) -> SequenceVerdict {
        guard let method = request.method, method != .ack, method != .cancel,
              let number = request.cseqNumber else { return .accept }
        if let last = remoteSequence, number < last { return .outOfOrder }
        remoteSequence = number
        return .accept
    }

    /// A target-refresh request from the peer (re-INVITE, UPDATE) with a Contact replaces the
    /// remote target (§12.2.2).
    public mutating func refreshTarget(from request: SIPMessage) {
        if let target = Self.contactURI(of: request) { remoteTarget = target }
    }

    /// The URI of the first Contact of a message.
    static func contactURI(of message: SIPMessage) -> URI? {
        ((try? message.contact) ?? []).lazy.compactMap { $0.nameAddress?.uri }.first
    }
}
