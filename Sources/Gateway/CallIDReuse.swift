import B2BUA
import SIPCore
import SIPStack

/// An INVITE without To tag carrying the Call-ID of a call the gateway has, live or ended,
/// compared with that call's own INVITE as RFC 3261 §8.2.2.2 compares requests.
enum CallIDReuse: Sendable, Equatable {
    /// The original's From tag, Call-ID and CSeq with another branch: a merged request (the same
    /// INVITE reaching us twice over different paths, §8.2.2.2): 482 (Loop Detected).
    case merged
    /// The original's branch too: a stale copy of the original INVITE whose transaction is over.
    case stale
    /// Anything else (another From tag, or another CSeq): not a merged request but a new
    /// dialog-creating request that happens to reuse the Call-ID (§8.2.2.2 applies to merged
    /// requests only; a From tag of its own makes a dialog of its own, §12).
    case newCall

    /// How `request` (an INVITE without To tag) relates to the call whose INVITE was `original`.
    init(_ request: SIPMessage, original: EndedCall.OriginalInvite) {
        guard request.fromTag == original.fromTag, request.cseqNumber == original.cseq else {
            self = .newCall
            return
        }
        self = request.topViaBranch == original.branch ? .stale : .merged
    }

    /// The reason phrase of the answer to a new call reusing a live call's Call-ID.
    static let inUsePhrase = "Call-ID In Use"

    /// What a LIVE call answers to `request`, a request without To tag carrying one of its
    /// Call-IDs (`isCallersCallID`: the caller's, else one of our outbound legs'); the same for a
    /// finished call whose whole context still lingers for a late leg response (up to 64·T1):
    /// - another method: 481, there is no such dialog (§12.2.2);
    /// - an INVITE on one of our legs' Call-IDs: our own INVITE came back to us, a loop: 482;
    /// - a merged INVITE: 482 (§8.2.2.2); a stale copy of the caller's INVITE: 481;
    /// - a new INVITE reusing the caller's Call-ID (another From tag or CSeq): 500 `Call-ID In Use`
    ///   with a Warning. It is a new call (§8.2.2.2, §12: a dialog is Call-ID plus both tags), but
    ///   the gateway keys a call, its media session, trace, admin entry and record by Call-ID,
    ///   so it cannot hold a second one under the same Call-ID. 482 would claim a loop or merge that
    ///   is not there; 500 is the server's own limitation (§21.5.1), a temporary one: once the live
    ///   call has ended the same INVITE starts a call (its tombstone answers ``newCall``).
    static func liveStatus(of request: SIPMessage, original: EndedCall.OriginalInvite,
                           isCallersCallID: Bool) -> (status: Int, reason: String?) {
        guard request.method == .invite else { return (481, nil) }
        guard isCallersCallID else { return (482, nil) }
        switch CallIDReuse(request, original: original) {
        case .merged: return (482, nil)
        case .stale: return (481, nil)
        case .newCall: return (500, inUsePhrase)
        }
    }
}

@available(macOS 15.0, *)
extension CallContext {
    /// A request without To tag for one of this live call's Call-IDs (``CallIDReuse/liveStatus``),
    /// answered with a To tag of its own.
    func receiveReusedCallID(_ transaction: SIPServerTransaction) {
        let request = transaction.request
        let answer = CallIDReuse.liveStatus(of: request, original: .init(invite), isCallersCallID: request.callID == callID)
        var headers: [(HeaderName, String)] = []
        if answer.status == 500 {
            headers.append((.warning, CallService.warning(399, "Call-ID in use by a call in progress")))
            headers.append((.reason, Q850Cause.reason(forStatus: 500).description))
            logger.info("new INVITE reusing a live call's Call-ID refused",
                        metadata: ["callID": "\(callID)", "fromTag": "\(request.fromTag ?? "")"])
        }
        try? transaction.respond(status: answer.status, reason: answer.reason, toTag: SIPMessage.makeTag(), headers: headers)
    }
}
