import DTMF
import NIOCore
import Testing

/// Relaying, deduplication, door actions and media directives, in virtual time.
@Suite struct DTMFInterworkingTests {
    typealias Leg = DTMFInterworking.Leg
    typealias Configuration = DTMFInterworking.LegConfiguration

    @Test func softphoneRFC4733BecomesOneClampedINFOAtTheDoorAndOpensIt() {
        var harness = InterworkingHarness.doorAndSoftphone()
        harness.receive(.one, .start, by: .rfc4733, on: .b, at: 1000)
        #expect(harness.infos(on: .a).isEmpty, "INFO waits for the digit's end")
        harness.receive(.one, .end(durationMilliseconds: 120), by: .rfc4733, on: .b, at: 1120)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("1", 250)], "Duration clamped to the door's 250 ms")
        #expect(harness.infos(on: .a).first?.time == 1120)
        let route = harness.routes.last
        #expect(route == DTMFInterworking.DigitRoute(digit: .one, from: .b, arrivedBy: .rfc4733, to: .a, leftBy: .info))
        #expect(harness.logs.contains("digit 1 from leg b (alice) arrived by rfc4733, left by info to leg a (front-door)"))
        let door = harness.doorActions
        #expect(door.count == 1)
        #expect(door.first?.party == "alice" && door.first?.time == ms(1000) && door.first?.arrivedBy == .rfc4733)
        #expect(door.first?.partyLeg == .b && door.first?.door == .a && door.first?.effect == "open_door")
        #expect(harness.mediaActions.isEmpty)
        #expect(harness.machine.lastDoorAction == door.first, "kept for the door's hang-up after opening")
    }

    @Test func rfc4733PlusINFOFromOnePressIsDeliveredOnce() {
        var harness = InterworkingHarness.doorAndSoftphone()
        harness.receive(.one, .start, by: .rfc4733, on: .b, at: 1000)
        // The phone's "RFC2833+INFO" mode: the INFO for the same press comes 40 ms later.
        let answer = harness.info(relayBody("1", 160), on: .b, at: 1040)
        #expect(answer == .init(statusCode: 200, reasonPhrase: "OK"), "a duplicate INFO is still answered 200")
        harness.receive(.one, .end(durationMilliseconds: 160), by: .rfc4733, on: .b, at: 1160)
        #expect(harness.infos(on: .a).count == 1)
        #expect(harness.doorActions.count == 1)
        #expect(harness.logs.contains { $0.contains("second report of one press") })

        // INFO first, events after: also once.
        harness.respond(200, on: .a, at: 1200)
        harness.info(relayBody("2", 100), on: .b, at: 3000)
        harness.press(.two, by: .rfc4733, on: .b, at: 3020)
        harness.advance(to: 5000)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("1", 250), relayBody("2", 250)])
    }

    @Test func eventsPlusTonesInTheAudioAreDeliveredOnce() {
        var harness = InterworkingHarness.doorAndSoftphone(softphoneMode: .auto)
        harness.receive(.five, .start, by: .rfc4733, on: .b, at: 1000)
        harness.receive(.five, .start, by: .inband, on: .b, at: 1030)
        harness.receive(.five, .end(durationMilliseconds: 200), by: .rfc4733, on: .b, at: 1200)
        harness.receive(.five, .end(durationMilliseconds: 190), by: .inband, on: .b, at: 1220)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("5", 250)])
    }

    @Test func onePressReportedTwiceFeedsTheDoorCodeOnce() {
        let rule = DTMFInterworking.DoorRule(door: .a, sequence: DTMFDigit.sequence("55")!)
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [rule], softphoneMode: .auto)
        // Events and tones of one press, interleaved.
        harness.receive(.five, .start, by: .rfc4733, on: .b, at: 1000)
        harness.receive(.five, .start, by: .inband, on: .b, at: 1030)
        harness.receive(.five, .end(durationMilliseconds: 200), by: .rfc4733, on: .b, at: 1200)
        harness.receive(.five, .end(durationMilliseconds: 190), by: .inband, on: .b, at: 1220)
        #expect(harness.doorActions.isEmpty, "one press is one 5")
        harness.press(.five, by: .rfc4733, on: .b, at: 2000)
        #expect(harness.doorActions.map(\.sequence) == ["55"])
    }

    @Test func twoPressesOfOneDigitByOneMethodAreTwoDigits() {
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [])
        harness.press(.one, by: .rfc4733, on: .b, at: 1000)
        harness.press(.one, by: .rfc4733, on: .b, at: 1300)
        #expect(harness.infos(on: .a).count == 1, "the second INFO waits for the first transaction")
        harness.respond(200, on: .a, at: 1500)
        harness.advance(to: 1899)
        #expect(harness.infos(on: .a).count == 1, "and for the 400 ms gap")
        harness.advance(to: 1900)
        #expect(harness.infos(on: .a).map(\.time) == [1120, 1900])
    }

    @Test func doorINFOBecomesRFC4733AtLeastTheMinimum() {
        // A sipp softphone sends INFO to a door whose mode is RFC 4733.
        var harness = InterworkingHarness(DTMFInterworking())
        harness.apply(harness.machine.configure(.a, Configuration(name: "door", mode: .rfc4733, telephoneEventNegotiated: true), at: ms(0)))
        harness.apply(harness.machine.configure(.b, Configuration(name: "sipp", mode: .info, telephoneEventNegotiated: false), at: ms(0)))
        harness.info("Signal=1\nDuration=80", on: .b, at: 500)
        harness.info("signal = 11\r\n", on: .b, at: 1500)
        #expect(harness.mediaActions == [
            .sendTelephoneEvent(.a, .one, duration: .milliseconds(250)),
            .sendTelephoneEvent(.a, .pound, duration: .milliseconds(250)),
        ])
        #expect(harness.logs.contains("digit # from leg b (sipp) arrived by info, left by rfc4733 to leg a (door)"))
    }

    @Test func rfc4733ToRFC4733IsRelayedLiveOrLeftToTheMediaPath() {
        var harness = InterworkingHarness(DTMFInterworking())
        let phone = Configuration(name: "alice", mode: .rfc4733, telephoneEventNegotiated: true, minimumDurationMilliseconds: 100)
        let trunk = Configuration(name: "carrier", mode: .rfc4733, telephoneEventNegotiated: true, minimumDurationMilliseconds: 100)
        harness.apply(harness.machine.configure(.a, phone, at: ms(0)))
        harness.apply(harness.machine.configure(.b, trunk, at: ms(0)))
        #expect(harness.directives[.a]?.swallowsTelephoneEvents == true, "transcoded legs: the machine re-sends")
        harness.press(.seven, by: .rfc4733, on: .a, at: 100, duration: 60)
        #expect(harness.mediaActions == [.startTelephoneEvent(.b, .seven), .stopTelephoneEvent(.b, minimumDuration: .milliseconds(100))])

        // Same codec on both legs: the media path forwards the events itself.
        harness.executed.removeAll()
        harness.apply(harness.machine.setMediaForwardsTelephoneEvents(true))
        #expect(harness.directives[.a]?.swallowsTelephoneEvents == false)
        #expect(harness.directives[.b]?.swallowsTelephoneEvents == false)
        harness.press(.eight, by: .rfc4733, on: .a, at: 2000)
        #expect(harness.mediaActions.isEmpty)
        #expect(harness.logs.contains("digit 8 from leg a (alice) arrived by rfc4733, left by rfc4733 to leg b (carrier) (forwarded in the media path)"))
        // An INFO from the same leg still needs the machine.
        harness.info("Signal=9", on: .a, at: 4000)
        #expect(harness.mediaActions == [.sendTelephoneEvent(.b, .nine, duration: .milliseconds(100))])
    }

    @Test func inBandTonesFromAPCMULegBecomeINFOToTheDoor() {
        let phone = Configuration(name: "pcmu-phone", mode: .inband, telephoneEventNegotiated: false)
        var harness = InterworkingHarness.doorAndSoftphone()
        harness.apply(harness.machine.configure(.b, phone, at: ms(0)))
        #expect(harness.directives[.b] == .init(swallowsTelephoneEvents: true, detectsInBand: true, removesInBandTones: true))
        #expect(harness.directives[.a]?.detectsInBand == false)
        harness.press(.one, by: .inband, on: .b, at: 1000, duration: 90)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("1", 250)])
        #expect(harness.routes.last?.arrivedBy == .inband)
        #expect(harness.doorActions.first?.arrivedBy == .inband)
    }

    @Test func inBandDestinationGetsTonesOfAtLeastTheMinimum() {
        var harness = InterworkingHarness(DTMFInterworking())
        let door = Configuration(name: "old-door", mode: .inband, telephoneEventNegotiated: false, minimumDurationMilliseconds: 200)
        harness.apply(harness.machine.configure(.a, door, at: ms(0)))
        harness.apply(harness.machine.configure(.b, Configuration(name: "alice", mode: .rfc4733, telephoneEventNegotiated: true), at: ms(0)))
        #expect(harness.directives[.b]?.removesInBandTones == false, "no tones to strip: the peer sends events")
        #expect(harness.directives[.a] == .init(swallowsTelephoneEvents: true, detectsInBand: true, removesInBandTones: true),
                "the door's own tones are detected and stripped: they reach alice as events")
        harness.press(.star, by: .rfc4733, on: .b, at: 100, duration: 300)
        harness.press(.zero, by: .rfc4733, on: .b, at: 800, duration: 50)
        #expect(harness.mediaActions == [.generateInBand(.a, .star, duration: .milliseconds(300)),
                                         .generateInBand(.a, .zero, duration: .milliseconds(200))])
    }

    @Test func autoResolvesRFC4733ThenINFOIfAllowedThenInBand() {
        let withEvents = Configuration(name: "x", mode: .auto, telephoneEventNegotiated: true)
        let infoAllowed = Configuration(name: "x", mode: .auto, telephoneEventNegotiated: false, infoAllowed: true)
        let neither = Configuration(name: "x", mode: .auto, telephoneEventNegotiated: false)
        #expect(withEvents.sendMethod == .rfc4733 && !withEvents.detectsInBand)
        #expect(infoAllowed.sendMethod == .info && infoAllowed.detectsInBand)
        #expect(neither.sendMethod == .inband && neither.detectsInBand)
        #expect(Configuration(name: "x", mode: .info, telephoneEventNegotiated: true).sendMethod == .info)
        #expect(Configuration(name: "x", mode: .rfc4733, telephoneEventNegotiated: false).sendMethod == .inband,
                "rfc4733 without negotiation cannot work and resolves as auto")
    }

    @Test func pinIsCheckedAtTheGatewayAndOnlyTheSequenceReachesTheDoor() {
        let rule = DTMFInterworking.DoorRule(door: .a, sequence: DTMFDigit.sequence("#1")!, relay: .sequenceOnMatch)
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [rule])
        #expect(harness.machine.mediaDirective(for: .b)?.swallowsTelephoneEvents == true)
        harness.press(.nine, by: .rfc4733, on: .b, at: 1000)
        harness.press(.pound, by: .rfc4733, on: .b, at: 1500)
        #expect(harness.infos(on: .a).isEmpty, "typed digits stay at the gateway")
        harness.info(relayBody("1", 100), on: .b, at: 2000)
        #expect(harness.doorActions.map(\.sequence) == ["#1"])
        #expect(harness.doorActions.first?.arrivedBy == .info)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("#", 250)])
        harness.respond(200, on: .a, at: 2100)
        harness.advance(to: 3000)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("#", 250), relayBody("1", 250)])
        #expect(harness.logs.contains { $0.contains("held for the door code") })
    }

    @Test func aPauseLongerThanTheInterDigitTimeoutStartsOver() {
        let rule = DTMFInterworking.DoorRule(door: .a, sequence: DTMFDigit.sequence("1234")!, interDigitTimeout: .seconds(3))
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [rule])
        harness.press(.one, by: .rfc4733, on: .b, at: 1000)
        harness.press(.two, by: .rfc4733, on: .b, at: 2000)
        harness.press(.three, by: .rfc4733, on: .b, at: 6000)
        harness.press(.four, by: .rfc4733, on: .b, at: 7000)
        #expect(harness.doorActions.isEmpty)
        for (index, digit) in DTMFDigit.sequence("1234")!.enumerated() {
            harness.press(digit, by: .rfc4733, on: .b, at: 20_000 + index * 500)
        }
        #expect(harness.doorActions.count == 1)
        #expect(harness.doorActions.first?.time == ms(21_500))
    }

    @Test func digitsFromTheDoorDoNotOpenIt() {
        var harness = InterworkingHarness.doorAndSoftphone()
        harness.info(relayBody("1", 250), on: .a, at: 1000)
        #expect(harness.doorActions.isEmpty)
        #expect(harness.mediaActions == [.sendTelephoneEvent(.b, .one, duration: .milliseconds(250))])
    }

    @Test func aDigitWithoutAnotherLegIsLoggedNotRelayed() {
        var harness = InterworkingHarness(DTMFInterworking())
        harness.apply(harness.machine.configure(.a, Configuration(name: "door", mode: .info, telephoneEventNegotiated: false), at: ms(0)))
        harness.info("Signal=3", on: .a, at: 10)
        #expect(harness.logs.last == "digit 3 from leg a (door) arrived by info, not relayed: no other leg")
        harness.receive(.four, .start, by: .rfc4733, on: .b, at: 20)
        #expect(harness.logs.last == "digit 4 by rfc4733 on unconfigured leg b: ignored")
    }
}
