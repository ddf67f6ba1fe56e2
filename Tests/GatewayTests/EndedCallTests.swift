import B2BUA
import SIPCore
import Testing
@testable import Gateway

/// A finished call's tombstone answers late requests for its Call-IDs as the whole lingering
/// call did: 482 to an INVITE reusing the Call-ID without a To tag, 200 to a BYE or OPTIONS in
/// one of its dialogs, 481 to anything else.
@Suite struct EndedCallTests {
    static let caller = SIPDialog.ID(callID: "caller-1", localTag: "ours", remoteTag: "theirs")
    static let leg = SIPDialog.ID(callID: "gh0-leg-1@gatehouse", localTag: "leg-ours", remoteTag: "leg-theirs")
    let ended = EndedCall(dialogs: [Self.caller, Self.leg], acks: [:])

    static func request(_ method: String, callID: String, fromTag: String, toTag: String?) throws -> SIPMessage {
        try sipRequest([
            "\(method) sip:gatehouse@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-\(method)",
            "Max-Forwards: 70", "From: <sip:a@192.0.2.10>;tag=\(fromTag)",
            "To: <sip:b@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? ""), "Call-ID: \(callID)", "CSeq: 2 \(method)",
        ], credentials: nil)
    }

    @Test func byeAndOptionsInTheCallsDialogsGet200() throws {
        for id in [Self.caller, Self.leg] {
            for method in ["BYE", "OPTIONS"] {
                let request = try Self.request(method, callID: id.callID, fromTag: id.remoteTag, toTag: id.localTag)
                #expect(ended.answer(to: request) == (200, false), "\(method) in \(id)")
            }
        }
    }

    @Test func otherMethodsAndUnknownDialogsGet481() throws {
        for method in ["INVITE", "INFO", "UPDATE", "REFER"] {
            let request = try Self.request(method, callID: Self.caller.callID, fromTag: "theirs", toTag: "ours")
            #expect(ended.answer(to: request) == (481, false), "\(method): the dialog is gone")
        }
        let wrongTag = try Self.request("BYE", callID: Self.caller.callID, fromTag: "someone", toTag: "ours")
        #expect(ended.answer(to: wrongTag) == (481, false))
        let mirrored = try Self.request("BYE", callID: Self.leg.callID, fromTag: "leg-ours", toTag: "leg-theirs")
        #expect(ended.answer(to: mirrored) == (481, false), "tags the wrong way round")
    }

    @Test func aRequestWithoutToTagReusingTheCallIDIsNoNewCall() throws {
        let invite = try Self.request("INVITE", callID: Self.caller.callID, fromTag: "theirs", toTag: nil)
        #expect(ended.answer(to: invite) == (482, true), "a merged or looped INVITE, never a second call")
        let options = try Self.request("OPTIONS", callID: Self.caller.callID, fromTag: "theirs", toTag: nil)
        #expect(ended.answer(to: options) == (481, true))
    }
}
