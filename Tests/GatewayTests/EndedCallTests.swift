import B2BUA
import SIPCore
import Testing
@testable import Gateway

/// A finished call's tombstone answers late requests for its Call-IDs as the whole lingering
/// call did: 482 to a merged INVITE (RFC 3261 §8.2.2.2), 200 to a BYE or OPTIONS in one of its
/// dialogs, 481 to anything else; a new INVITE reusing the Call-ID is a new call.
@Suite struct EndedCallTests {
    static let caller = SIPDialog.ID(callID: "caller-1", localTag: "ours", remoteTag: "theirs")
    static let leg = SIPDialog.ID(callID: "gh0-leg-1@gatehouse", localTag: "leg-ours", remoteTag: "leg-theirs")
    let ended = EndedCall(dialogs: [Self.caller, Self.leg], acks: [:],
                          original: .init(fromTag: "theirs", cseq: 1, branch: "z9hG4bK-first"))

    static func request(_ method: String, callID: String, fromTag: String, toTag: String?, cseq: Int = 2,
                        branch: String? = nil) throws -> SIPMessage {
        try sipRequest([
            "\(method) sip:gatehouse@127.0.0.1 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=\(branch ?? "z9hG4bK-\(method)")",
            "Max-Forwards: 70", "From: <sip:a@192.0.2.10>;tag=\(fromTag)",
            "To: <sip:b@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? ""), "Call-ID: \(callID)", "CSeq: \(cseq) \(method)",
        ], credentials: nil)
    }

    @Test func byeAndOptionsInTheCallsDialogsGet200() throws {
        for id in [Self.caller, Self.leg] {
            for method in ["BYE", "OPTIONS"] {
                let request = try Self.request(method, callID: id.callID, fromTag: id.remoteTag, toTag: id.localTag)
                #expect(ended.disposition(of: request) == .answer(status: 200, tagged: false), "\(method) in \(id)")
            }
        }
    }

    @Test func otherMethodsAndUnknownDialogsGet481() throws {
        for method in ["INVITE", "INFO", "UPDATE", "REFER"] {
            let request = try Self.request(method, callID: Self.caller.callID, fromTag: "theirs", toTag: "ours")
            #expect(ended.disposition(of: request) == .answer(status: 481, tagged: false), "\(method): the dialog is gone")
        }
        let wrongTag = try Self.request("BYE", callID: Self.caller.callID, fromTag: "someone", toTag: "ours")
        #expect(ended.disposition(of: wrongTag) == .answer(status: 481, tagged: false))
        let mirrored = try Self.request("BYE", callID: Self.leg.callID, fromTag: "leg-ours", toTag: "leg-theirs")
        #expect(ended.disposition(of: mirrored) == .answer(status: 481, tagged: false), "tags the wrong way round")
    }

    @Test func onlyAMergedInviteGets482() throws {
        let id = Self.caller.callID
        let merged = try Self.request("INVITE", callID: id, fromTag: "theirs", toTag: nil, cseq: 1, branch: "z9hG4bK-fork")
        #expect(ended.disposition(of: merged) == .answer(status: 482, tagged: true),
                "RFC 3261 §8.2.2.2: same From tag, Call-ID and CSeq, another branch")
        let stale = try Self.request("INVITE", callID: id, fromTag: "theirs", toTag: nil, cseq: 1, branch: "z9hG4bK-first")
        #expect(ended.disposition(of: stale) == .answer(status: 481, tagged: true), "a copy of the ended INVITE")
        let options = try Self.request("OPTIONS", callID: id, fromTag: "theirs", toTag: nil)
        #expect(ended.disposition(of: options) == .answer(status: 481, tagged: true))
    }

    @Test func anotherInviteReusingTheCallIDIsANewCall() throws {
        let id = Self.caller.callID
        let nextCSeq = try Self.request("INVITE", callID: id, fromTag: "theirs", toTag: nil, cseq: 2)
        #expect(ended.disposition(of: nextCSeq) == .newCall, "same From tag, a new CSeq: not merged")
        let otherCaller = try Self.request("INVITE", callID: id, fromTag: "someone-else", toTag: nil, cseq: 1)
        #expect(ended.disposition(of: otherCaller) == .newCall, "another From tag: not merged")
        let unknown = EndedCall(dialogs: [], acks: [:])
        #expect(unknown.disposition(of: nextCSeq) == .answer(status: 482, tagged: true), "no original known: kept safe")
    }
}
