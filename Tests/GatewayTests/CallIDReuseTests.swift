import SIPCore
import Testing
@testable import Gateway

/// A request without To tag on a LIVE call's Call-ID (CallIDReuse): only a merged INVITE (same
/// From tag, Call-ID and CSeq, another branch: RFC 3261 §8.2.2.2) or our own leg's INVITE coming
/// back (a loop) gets 482; a new INVITE reusing the caller's Call-ID is a new call the call table
/// cannot hold: 500 "Call-ID In Use"; other methods 481.
@Suite struct CallIDReuseTests {
    let original = EndedCall.OriginalInvite(fromTag: "theirs", cseq: 1, branch: "z9hG4bK-first")

    func request(_ method: String = "INVITE", fromTag: String = "theirs", cseq: Int = 1,
                 branch: String = "z9hG4bK-fork") throws -> SIPMessage {
        try EndedCallTests.request(method, callID: "caller-1", fromTag: fromTag, toTag: nil, cseq: cseq, branch: branch)
    }

    @Test func mergedAndStaleInvitesAsTheTombstoneAnswersThem() throws {
        #expect(CallIDReuse(try request(), original: original) == .merged)
        #expect(CallIDReuse(try request(branch: "z9hG4bK-first"), original: original) == .stale)
        #expect(CallIDReuse(try request(fromTag: "someone-else"), original: original) == .newCall)
        #expect(CallIDReuse(try request(cseq: 2), original: original) == .newCall)
        #expect(CallIDReuse.liveStatus(of: try request(), original: original, isCallersCallID: true) == (482, nil))
        #expect(CallIDReuse.liveStatus(of: try request(branch: "z9hG4bK-first"), original: original,
                                       isCallersCallID: true) == (481, nil))
    }

    @Test func aNewCallOnALiveCallsCallIDGets500NotALoop() throws {
        for other in [try request(fromTag: "someone-else"), try request(cseq: 5, branch: "z9hG4bK-new")] {
            let answer = CallIDReuse.liveStatus(of: other, original: original, isCallersCallID: true)
            #expect(answer.status == 500 && answer.reason == CallIDReuse.inUsePhrase,
                    "§8.2.2.2: not merged, a new dialog; the table holds one call per Call-ID")
        }
    }

    @Test func ourOwnLegsInviteComingBackIsALoop() throws {
        let looped = try request(fromTag: "our-leg-tag")
        #expect(CallIDReuse.liveStatus(of: looped, original: original, isCallersCallID: false) == (482, nil))
    }

    @Test func otherMethodsWithoutToTagGet481() throws {
        for method in ["BYE", "INFO", "UPDATE", "OPTIONS"] {
            #expect(CallIDReuse.liveStatus(of: try request(method, fromTag: "theirs"), original: original,
                                           isCallersCallID: true) == (481, nil), "\(method)")
        }
    }
}
