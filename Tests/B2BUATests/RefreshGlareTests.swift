import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// What the handler's RFC 4028 refresh looks at before sending into a dialog (RFC 3261 §14.1: no
/// INVITE of ours while one is in progress there in either direction): the peer's own offer
/// relayed to the other side (``CallStateMachine/isOfferPending(from:)``, the refresh waits) and
/// the gateway's own re-INVITE (``CallStateMachine/isReinvitePending(toward:)``, its 2xx refreshes).
@Suite struct RefreshGlareTests {
    let leg1 = CallLegID(1)

    @Test func thePeersRelayedOfferIsPendingUntilTheOtherSideAnswered() throws {
        var call = try GlareTests().answered()
        #expect(!call.machine.isOfferPending(from: .caller) && !call.machine.isOfferPending(from: .callee))
        let hold = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(hold.outcome == .forwarded)
        #expect(call.machine.isOfferPending(from: .caller), "the caller's re-INVITE waits for alice: no refresh toward the caller")
        #expect(!call.machine.isOfferPending(from: .callee))
        #expect(call.machine.isReinvitePending(toward: .callee), "our re-INVITE is out toward alice")
        let toAlice = try #require(HoldTests.reinvite(in: hold.actions, toward: .callee))
        let answered = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: toAlice, codecs: [.pcmu], address: "10.0.0.7"), from: .callee, at: call.now)
        #expect(answered.contains { if case .answerPendingOffer(.caller, _) = $0 { true } else { false } })
        #expect(!call.machine.isOfferPending(from: .caller) && !call.machine.isReinvitePending(toward: .callee))
    }

    @Test func anOfferAnsweredAtOnceLeavesNothingPending() throws {
        var call = try GlareTests().answered()
        // A new address, no change of direction: answered here, nothing relayed.
        let moved = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendrecv", version: 2), from: .caller, at: call.now)
        guard case .answered = moved.outcome else { Issue.record("\(moved.outcome)"); return }
        #expect(!call.machine.isOfferPending(from: .caller))
    }

    @Test func aFailedRelayAnswersTheWaitingOfferAndClearsIt() throws {
        var call = try GlareTests().answered()
        _ = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        let refused = call.machine.receiveReinviteResponse(488, sdp: nil, from: .callee, at: call.now)
        #expect(refused.contains { if case .answerPendingOffer(.caller, _) = $0 { true } else { false } })
        #expect(!call.machine.isOfferPending(from: .caller))
    }
}
