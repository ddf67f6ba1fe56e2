import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// REFER edge cases: stale legs, attended transfer, the media timeout while the target rings.
@Suite struct TransferEdgeTests {
    let carol = ["carol": ["sip:carol@10.0.0.9:5060"]]
    let leg1 = CallLegID(1)
    let leg2 = CallLegID(2)

    @Test func aReferFromALegThatNoLongerCarriesTheCallIs481() throws {
        var (call, _) = try TransferTests().transferring()
        _ = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        #expect(call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .callee, leg: leg1,
                                             at: call.now).start == .refused(status: 481), "the referrer left")
        _ = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        let stale = call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .callee, leg: leg1,
                                                 at: call.now)
        #expect(stale.start == .refused(status: 481) && stale.actions.isEmpty, "not taken as carol's REFER")
        #expect(call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .callee, leg: leg2,
                                             at: call.now).start == .accepted, "carol herself may transfer")
    }

    @Test func referToParsing() {
        #expect(ReferTarget(referTo: "<sip:104@gw.example.com>") == .number("104"))
        #expect(ReferTarget(referTo: "sip:%2B4930123@gw.example.com") == .number("+4930123"))
        #expect(ReferTarget(referTo: nil) == .refused(status: 400))
        #expect(ReferTarget(referTo: "<sip:gw.example.com>") == .refused(status: 400))
        #expect(ReferTarget(referTo: "<tel:+4930123>") == .refused(status: 400))
        // RFC 3891: an attended transfer is not done as a blind one.
        #expect(ReferTarget(referTo: "<sip:104@gw.example.com?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>")
                == .refused(status: 501))
        #expect(ReferTarget(referTo: "<sip:104@gw.example.com?replaces=abc>") == .refused(status: 501))
    }

    @Test func noMediaTimeoutWhileTheTargetRings() throws {
        var (call, _) = try TransferTests().transferring()
        _ = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        #expect(call.machine.receiveMediaTimeout(at: call.now).isEmpty, "carol still rings")
        #expect(!call.machine.isEnded)
        _ = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(!call.machine.receiveMediaTimeout(at: call.now).isEmpty, "applies again once carol answered")
        #expect(call.machine.isEnded)
    }
}
