import DTMF
import Testing

@Suite struct DTMFModeTests {
    static let table: [(DTMFMode, Bool, Bool, DTMFMethod, Bool)] = [
        // mode, peer offered telephone-event, INFO allowed → send method, detect in-band
        (.auto, true, true, .rfc4733, false),
        (.auto, true, false, .rfc4733, false),
        (.auto, false, true, .info, true),
        (.auto, false, false, .inband, true),
        (.rfc4733, true, false, .rfc4733, false),
        (.rfc4733, false, true, .info, false),
        (.rfc4733, false, false, .inband, false),
        (.info, true, true, .info, false),
        (.info, false, false, .info, false),
        (.inband, true, true, .inband, true),
        (.inband, false, false, .inband, true),
    ]

    @Test(arguments: table)
    func resolution(_ mode: DTMFMode, _ telephoneEvent: Bool, _ infoAllowed: Bool, _ method: DTMFMethod, _ detects: Bool) {
        #expect(mode.resolve(peerOfferedTelephoneEvent: telephoneEvent, infoAllowed: infoAllowed) == method)
        #expect(mode.detectsInBand(peerOfferedTelephoneEvent: telephoneEvent) == detects)
    }

    @Test func modesSpellAsInTheDialPlan() {
        #expect(DTMFMode.allCases.map(\.rawValue) == ["auto", "rfc4733", "info", "inband"])
        #expect(DTMFMethod.allCases.map(\.description) == ["rfc4733", "info", "inband"])
    }
}
