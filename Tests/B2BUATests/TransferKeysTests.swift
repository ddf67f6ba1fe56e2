import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import Testing

/// A blind transfer's target leg is a new SRTP session: it gets the fresh SDES keys the handler
/// passes with the REFER, never the referrer's (RFC 4568 §6.1: keys per direction per session;
/// the referrer, gone from the call, must not be able to decrypt the transferee's media).
@Suite struct TransferKeysTests {
    static let yaml = """
        policy: { country: "46", trunk_classes: [door, softphone] }
        endpoints:
          door: { class: door, auth: { source: 192.168.10.0/29 }, codecs: [PCMU] }
          alice: { class: softphone, auth: { user: alice, password_env: A }, codecs: [PCMU], srtp: require }
          carol: { class: softphone, auth: { user: carol, password_env: E }, codecs: [PCMU], srtp: require }
        routes:
          - { name: alice, from: door, to: "101", try: [{ ring: alice, timeout: 20s }] }
          - { name: carol, from: door, to: "104", try: [{ ring: carol, timeout: 20s }] }
        """
    static let referrerKey = "inline:UmVmZXJyZXJLZXktUmVmZXJyZXJLZXktUmVmZXIh"
    static let freshKey = "inline:RnJlc2hLZXktRnJlc2hLZXktRnJlc2hLZXktRnIh"
    let leg1 = CallLegID(1)
    let leg2 = CallLegID(2)

    static func decision(_ plan: DialPlan, _ number: String) -> RoutingDecision {
        plan.route(CallRequest(caller: .endpoint("door"), calledNumber: number, time: CallHarness.epoch), state: NetworkState())
    }

    /// A secure phone's 200 to `offer` (its own key), from `address`.
    static func secureAnswer(to offer: SessionDescription, address: String) throws -> SessionDescription {
        let profile = SDPMediaProfile(name: "phone", audioCodecs: [.pcmu], srtp: .require)
        let keys = ["AES_CM_128_HMAC_SHA1_80": "inline:UGhvbmVLZXktUGhvbmVLZXktUGhvbmVLZXktUGgx",
                    "AES_CM_128_HMAC_SHA1_32": "inline:UGhvbmVLZXktUGhvbmVLZXktUGhvbmVLZXktUGgy"]
        return try Negotiator(profile: profile)
            .answer(to: offer, local: LocalMedia(address: address, ports: [5004], sessionID: "7", cryptoKeys: [keys])).description
    }

    @Test func theTargetGetsFreshKeysWhichStayWithItsRole() throws {
        let plan = try #require(DialPlan.load(text: Self.yaml, file: "transfer-keys.yaml").plan)
        let referrerKeys = ["AES_CM_128_HMAC_SHA1_80": Self.referrerKey, "AES_CM_128_HMAC_SHA1_32": Self.referrerKey]
        let media = MediaAllocation(address: CallHarness.gateway, callerPorts: [30000], calleePorts: [30004],
                                    calleeCryptoKeys: [referrerKeys], sessionID: "42")
        var machine = CallStateMachine(callID: "call-1", decision: Self.decision(plan, "101"),
                                       callerOffer: try SDPParser().parse(CallHarness.doorOffer),
                                       contacts: ["alice": ["sip:alice@10.0.0.7"]], media: media)
        let started = machine.start(at: CallHarness.epoch)
        let aliceOffer = try #require(started.createdLegs.first?.offer)
        #expect(aliceOffer.text.contains(Self.referrerKey), "alice's leg uses the allocation's keys")
        _ = machine.receiveFinal(200, sdp: try Self.secureAnswer(to: aliceOffer, address: "10.0.0.7"), reason: nil,
                                 from: leg1, at: CallHarness.epoch)
        #expect(machine.answeredLeg == leg1)
        #expect(machine.mediaPorts(facing: .callee) == [30004])

        let fresh = ["AES_CM_128_HMAC_SHA1_80": Self.freshKey, "AES_CM_128_HMAC_SHA1_32": Self.freshKey]
        let (start, actions) = machine.receiveTransfer(to: Self.decision(plan, "104"), contacts: ["carol": ["sip:carol@10.0.0.9"]],
                                                       from: .callee, cryptoKeys: [fresh], at: CallHarness.epoch)
        #expect(start == .accepted)
        let carolOffer = try #require(actions.createdLegs.first?.offer)
        #expect(carolOffer.text.contains("RTP/SAVP") && carolOffer.text.contains(Self.freshKey), "\(carolOffer.text)")
        #expect(!carolOffer.text.contains(Self.referrerKey), "RFC 4568 §6.1: never the referrer's keys")

        let done = machine.receiveFinal(200, sdp: try Self.secureAnswer(to: carolOffer, address: "10.0.0.9"), reason: nil,
                                        from: leg2, at: CallHarness.epoch)
        var plannedKey: String?
        for case .updateMedia(let plan) in done { plannedKey = plan.callee.session.audio?.crypto?.localKey }
        #expect(plannedKey == Self.freshKey, "the engine protects toward carol with the fresh key")
        // carol's own re-offer later is answered with the keys of her session, not alice's.
        let reoffer = try Self.secureAnswer(to: carolOffer, address: "10.0.0.10")
        let answer = try #require(machine.receiveReoffer(reoffer, from: .callee)?.answer)
        #expect(answer.text.contains(Self.freshKey) && !answer.text.contains(Self.referrerKey), "\(answer.text)")
    }
}
