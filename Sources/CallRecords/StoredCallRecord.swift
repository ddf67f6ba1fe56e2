import B2BUA
import Foundation

/// A call detail record as stored: a finished call, one in progress, or one a crash interrupted.
public struct StoredCallRecord: Sendable, Equatable {
    /// One outbound leg (``CallRecord/LegRecord`` as stored).
    public struct Leg: Sendable, Equatable, Codable {
        /// The endpoint or trunk name.
        public var target: String
        /// The contact rung, for an endpoint.
        public var contact: String?
        /// The attempt index in the routing decision.
        public var attempt: Int
        /// `200`, `480`, `no_answer`, `offline` …
        public var outcome: String
        /// The final SIP status, when one was received.
        public var status: Int?
        /// When the INVITE went out.
        public var started: Date
        /// When the leg ended.
        public var ended: Date?
    }

    /// The row's identity in the store.
    public var id: Int64
    /// How the call turned out.
    public var outcome: CallOutcome
    /// The caller leg's Call-ID.
    public var callID: String
    /// The caller as the dial plan named it.
    public var caller: String
    /// The number dialled.
    public var called: String
    /// The route that decided, if one did.
    public var route: String?
    /// When the call started, was answered, ended (nil while in progress).
    public var started: Date
    /// When a leg answered.
    public var answered: Date?
    /// When the call ended; for an interrupted call, when the gateway found it open.
    public var ended: Date?
    /// Who ended it; nil while in progress or when interrupted.
    public var endedBy: CallRecord.Party?
    /// The final status the caller got.
    public var status: Int?
    /// The Q.850 cause of the end.
    public var q850Cause: UInt16?
    /// Negotiated audio codec on the caller's leg.
    public var callerCodec: String?
    /// Negotiated audio codec on the answering leg.
    public var calleeCodec: String?
    /// Every outbound leg in creation order.
    public var legs: [Leg]
    /// Door actions and DTMF routes of the call (``CallRecord/dtmf``), in order.
    public var dtmf: [String] = []

    /// Seconds from answer to end; zero when unanswered or not ended.
    public var billableSeconds: TimeInterval {
        guard let answered, let ended else { return 0 }
        return ended.timeIntervalSince(answered)
    }
}

extension StoredCallRecord.Leg {
    /// The stored form of a B2BUA leg record.
    init(_ leg: CallRecord.LegRecord) {
        self.init(target: leg.target, contact: leg.contact, attempt: leg.attempt, outcome: leg.outcome, status: leg.status,
                  started: leg.started, ended: leg.ended)
    }
}
