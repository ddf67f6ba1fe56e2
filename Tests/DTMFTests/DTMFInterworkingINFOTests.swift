import DTMF
import NIOCore
import Testing

/// INFO in and out: parsing and answers, pacing, refusal fallback, failures, leg changes.
@Suite struct DTMFInterworkingINFOTests {
    typealias Configuration = DTMFInterworking.LegConfiguration

    @Test func receivedINFOIsAnsweredByWhatTheBodyHolds() {
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [])
        #expect(harness.info("", on: .b, at: 10).statusCode == 200, "an empty INFO (keep-alive) is answered 200")
        #expect(harness.mediaActions.isEmpty && harness.infos(on: .a).isEmpty)
        let bad = harness.info("Signal=X\r\n", on: .b, at: 20)
        #expect(bad.statusCode == 400)
        #expect(bad.reasonPhrase == "Invalid DTMF Signal X")
        #expect(harness.logs.last == "INFO on leg b refused 400: Invalid DTMF Signal X")
        #expect(harness.info("Duration=100", on: .b, at: 30).statusCode == 400)
        #expect(harness.info("<xml/>", type: "application/xml", on: .b, at: 40).statusCode == 415)
        #expect(harness.info("10", type: "Application/DTMF; charset=x", on: .b, at: 50).statusCode == 200)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("*", 250)], "`10` is `*`; missing Duration is 100 ms, clamped")
    }

    @Test func digitsAreQueuedInOrderOneTransactionAtATimeWithTheGap() {
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [])
        for (index, digit) in DTMFDigit.sequence("1234")!.enumerated() {
            harness.press(digit, by: .rfc4733, on: .b, at: 1000 + index * 150, duration: 100)
        }
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("1", 250)])
        harness.respond(100, on: .a, at: 1400)
        harness.advance(to: 3000)
        #expect(harness.infos(on: .a).count == 1, "a provisional response does not release the next digit")
        harness.respond(200, on: .a, at: 3000)
        harness.advance(to: 3400)
        harness.respond(200, on: .a, at: 3450)
        harness.advance(to: 3850)
        harness.respond(200, on: .a, at: 3900)
        harness.advance(to: 10_000)
        let sent = harness.infos(on: .a)
        #expect(sent.map(\.body) == ["1", "2", "3", "4"].map { relayBody($0, 250) })
        #expect(sent.map(\.time) == [1100, 3400, 3850, 4300], "each 400 ms after the previous final response")
    }

    @Test func refusedINFOFallsBackToRFC4733ForThisAndEveryLaterDigitWithoutRetrying() {
        let door = Configuration(name: "door", mode: .info, telephoneEventNegotiated: true)
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [], door: door)
        harness.press(.one, by: .rfc4733, on: .b, at: 1000)
        harness.press(.two, by: .rfc4733, on: .b, at: 1200, duration: 300)
        harness.respond(501, on: .a, at: 1600)
        #expect(harness.mediaActions == [.sendTelephoneEvent(.a, .one, duration: .milliseconds(250)),
                                         .sendTelephoneEvent(.a, .two, duration: .milliseconds(300))])
        #expect(harness.machine.sendMethod(of: .a) == .rfc4733)
        #expect(harness.logs.contains("leg a (door) answered INFO 501: digits go by rfc4733 from now on"))
        harness.respond(501, on: .a, at: 1700)
        harness.press(.three, by: .rfc4733, on: .b, at: 2000)
        harness.advance(to: 10_000)
        #expect(harness.infos(on: .a).count == 1, "never another INFO after the refusal")
        #expect(Array(harness.mediaActions.suffix(2)) == [.startTelephoneEvent(.a, .three), .stopTelephoneEvent(.a, minimumDuration: .milliseconds(250))],
                "later digits relay live as events")
    }

    @Test func refusedINFOWithoutTelephoneEventDropsInInfoModeAndUsesTonesInAuto() {
        for (mode, expectTones) in [(DTMFMode.info, false), (.auto, true)] {
            let door = Configuration(name: "door", mode: mode, telephoneEventNegotiated: false, infoAllowed: true)
            var harness = InterworkingHarness.doorAndSoftphone(doorRules: [], door: door)
            harness.press(.one, by: .rfc4733, on: .b, at: 1000)
            harness.respond(415, on: .a, at: 1200)
            harness.press(.two, by: .rfc4733, on: .b, at: 2000)
            harness.advance(to: 5000)
            #expect(harness.infos(on: .a).count == 1)
            if expectTones {
                #expect(harness.mediaActions == [.generateInBand(.a, .one, duration: .milliseconds(250)),
                                                 .generateInBand(.a, .two, duration: .milliseconds(250))])
                #expect(harness.machine.sendMethod(of: .a) == .inband)
            } else {
                #expect(harness.mediaActions.isEmpty)
                #expect(harness.machine.sendMethod(of: .a) == nil)
                #expect(harness.logs.contains("digit 1 to leg a (door) not sent: INFO answered 415 and no telephone-event negotiated"))
                #expect(harness.logs.contains { $0.hasPrefix("digit 2 from leg b (alice) arrived by rfc4733, not relayed") })
            }
        }
    }

    @Test func aFailedTransactionDropsThatDigitAndGoesOnAfterTheGap() {
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [])
        harness.press(.one, by: .rfc4733, on: .b, at: 1000)
        harness.press(.two, by: .rfc4733, on: .b, at: 1200)
        harness.advance(to: 33_000)
        harness.apply(harness.machine.infoTransactionFailed(on: .a, at: ms(33_000)))
        #expect(harness.logs.contains("digit 1 to leg a (front-door) not sent: INFO answered 408"))
        harness.advance(to: 33_400)
        #expect(harness.infos(on: .a).map(\.body) == [relayBody("1", 250), relayBody("2", 250)])
        harness.respond(403, on: .a, at: 33_500)
        harness.press(.three, by: .rfc4733, on: .b, at: 34_000)
        #expect(harness.infos(on: .a).count == 3, "403 is not a refusal of INFO: the next digit still goes by INFO")
    }

    @Test func dtmfBodyTypeAndDoorSettingsAreHonoured() {
        let door = Configuration(name: "door", mode: .info, telephoneEventNegotiated: false, infoContentType: .dtmf,
                                 minimumDurationMilliseconds: 300, gap: .milliseconds(500))
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [], door: door)
        harness.press(.pound, by: .rfc4733, on: .b, at: 100)
        harness.press(.one, by: .rfc4733, on: .b, at: 300)
        harness.respond(200, on: .a, at: 400)
        harness.advance(to: 899)
        #expect(harness.infos(on: .a).count == 1)
        harness.advance(to: 900)
        #expect(harness.infos(on: .a).map(\.body) == ["#", "1"])
        let types = harness.executed.compactMap { if case .sendINFO(_, _, _, let type) = $0.action { type } else { nil } }
        #expect(types == [.dtmf, .dtmf])
    }

    @Test func aFailoverReplacesTheLegAndDropsItsQueue() {
        var harness = InterworkingHarness.doorAndSoftphone(doorRules: [])
        // Digits from the softphone to a door that queues them, then leg a is replaced.
        harness.press(.one, by: .rfc4733, on: .b, at: 100)
        harness.press(.two, by: .rfc4733, on: .b, at: 300)
        harness.apply(harness.machine.configure(.a, Configuration(name: "door-2", mode: .info, telephoneEventNegotiated: false), at: ms(500)))
        #expect(harness.logs.contains("digit 2 for leg a (front-door) not sent by info: leg reconfigured"))
        harness.respond(200, on: .a, at: 600)
        harness.advance(to: 2000)
        #expect(harness.infos(on: .a).count == 1, "the old leg's response releases nothing on the new one")
        harness.press(.three, by: .rfc4733, on: .b, at: 3000)
        #expect(harness.infos(on: .a).last?.body == relayBody("3", 250))

        harness.apply(harness.machine.removeLeg(.a, at: ms(4000)))
        #expect(harness.machine.configuration(of: .a) == nil)
        #expect(harness.directives[.b]?.swallowsTelephoneEvents == true)
    }

    @Test func finishDropsQueuedDigitsAndEndsAnOpenEvent() {
        var harness = InterworkingHarness(DTMFInterworking())
        harness.apply(harness.machine.configure(.a, Configuration(name: "door", mode: .info, telephoneEventNegotiated: false), at: ms(0)))
        harness.apply(harness.machine.configure(.b, Configuration(name: "alice", mode: .rfc4733, telephoneEventNegotiated: true), at: ms(0)))
        harness.press(.one, by: .rfc4733, on: .b, at: 100)
        harness.press(.two, by: .rfc4733, on: .b, at: 300)
        harness.receive(.four, .start, by: .inband, on: .a, at: 400)
        #expect(harness.mediaActions == [.startTelephoneEvent(.b, .four)])
        harness.apply(harness.machine.finish(at: ms(450)))
        #expect(harness.mediaActions.last == .stopTelephoneEvent(.b, minimumDuration: .milliseconds(250)))
        #expect(harness.logs.contains("digit 2 for leg a (door) not sent by info: call ended"))
        harness.respond(200, on: .a, at: 500)
        harness.advance(to: 5000)
        #expect(harness.infos(on: .a).count == 1)
    }
}
