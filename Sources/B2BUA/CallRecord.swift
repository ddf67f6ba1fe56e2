import Foundation

/// A call detail record, produced once when the call ends (answered or not).
public struct CallRecord: Sendable, Equatable {
    /// Who ended the call.
    public enum Party: String, Sendable, Equatable {
        /// The caller hung up (BYE or CANCEL).
        case caller
        /// The answering leg hung up.
        case callee
        /// The gateway ended it: every attempt failed or the caller's SDP was unusable.
        case gateway
    }

    /// One outbound leg: where it went, how it ended, when.
    public struct LegRecord: Sendable, Equatable {
        /// The endpoint or trunk name.
        public var target: String
        /// The contact rung, for an endpoint.
        public var contact: String?
        /// The attempt index in the routing decision.
        public var attempt: Int
        /// `200`, `480`, `no_answer`, `offline`, `transport`, `cancelled` …
        public var outcome: String
        /// The final SIP status, when one was received.
        public var status: Int?
        /// When the INVITE went out, and when the leg ended (final response, CANCEL or BYE).
        public var started: Date
        /// Nil while the leg is still settling.
        public var ended: Date?
    }

    /// The caller leg's Call-ID.
    public var callID: String
    /// The caller as the dial plan named it, and the number dialled.
    /// The caller as the dial plan named it.
    public var caller: String
    /// The number dialled.
    public var called: String
    /// The dial plan route that decided, if one did.
    public var route: String?
    /// Every outbound leg in creation order.
    public var legs: [LegRecord]
    /// When the caller's INVITE was taken, answered (nil when not), and ended.
    public var started: Date
    /// When a leg answered.
    public var answered: Date?
    /// When the call ended for the caller.
    public var ended: Date
    /// Who ended it.
    public var endedBy: Party
    /// The final status the caller got (200 for an answered call).
    public var status: Int
    /// The Q.850 cause of the end (16 for a normal hang-up).
    public var q850Cause: UInt16
    /// Negotiated audio codec on the caller's leg and on the answering leg (`PCMU/8000`).
    public var callerCodec: String?
    /// Negotiated audio codec on the answering leg.
    public var calleeCodec: String?
    /// DTMF seen and emitted on the call, in order: door actions ("door opened by alice at
    /// 2026-11-22T07:00:00Z") and each digit's route ("1 from b by rfc4733 to a by info").
    /// Filled by the call layer's DTMF interworking; empty when no digit was pressed.
    public var dtmf: [String] = []

    /// `alice:no_answer → carrier:200`: every leg's target and outcome, in order.
    public var summary: String {
        legs.map { "\($0.target):\($0.outcome)" }.joined(separator: " → ")
    }

    /// Seconds from answer to end; zero when unanswered.
    public var billableSeconds: TimeInterval {
        answered.map { ended.timeIntervalSince($0) } ?? 0
    }
}
