import SIPCore

/// RFC 3262 on our outbound (UAC) legs: carriers that require reliable provisionals send 18x
/// with `Require: 100rel` and an `RSeq`, and wait for a PRACK before they send anything else.
/// Pure: one value per early dialog (per To tag), fed each provisional; it says whether to PRACK
/// and with which `RAck`. The call layer sends the PRACK in the early dialog (§7.2).
public struct ReliableProvisionals: Sendable, Hashable {
    /// What to do with one provisional response.
    public enum Decision: Sendable, Hashable {
        /// An unreliable provisional (no `Require: 100rel`): nothing to acknowledge.
        case unreliable
        /// A new reliable provisional: process it and send PRACK with this RAck (§7.2).
        case acknowledge(RAck)
        /// A retransmission of one already acknowledged: PRACK again (§7.2: each retransmission
        /// is answered, the UAS stops when one gets through) but do not process it again.
        case retransmission(RAck)
        /// Out of order (RSeq beyond the next one expected, §4): discard it; the UAS retransmits.
        case outOfOrder
        /// `Require: 100rel` without a usable `RSeq` (§7.1): a protocol error; ignore it.
        case malformed
    }

    /// The RSeq of the last reliable provisional processed.
    public private(set) var lastRSeq: UInt32?

    /// A tracker for a new early dialog.
    public init() {}

    /// The `Supported` option tag our INVITEs carry so that a carrier may use reliable
    /// provisionals (§4: a UAC supporting the extension lists it).
    public static let supported = OptionTags.reliableProvisional

    /// Decides on a provisional `response` (status 101–199) to our INVITE with CSeq `cseq`.
    public mutating func receive(_ response: SIPMessage, inviteCSeq cseq: UInt32) -> Decision {
        guard let tags = try? response.require, tags.contains(OptionTags.reliableProvisional) else { return .unreliable }
        guard let rseq = response.rseq, rseq > 0 else { return .malformed }
        let rack = RAck(responseNumber: rseq, cseqNumber: cseq, method: "INVITE")
        guard let last = lastRSeq else {
            // §7.1: the first reliable provisional sets the sequence.
            lastRSeq = rseq
            return .acknowledge(rack)
        }
        if rseq <= last { return .retransmission(rack) }
        guard rseq == last &+ 1 else { return .outOfOrder }
        lastRSeq = rseq
        return .acknowledge(rack)
    }
}
