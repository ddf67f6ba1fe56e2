import DTMF
import NIOCore
import Testing

@Suite struct DTMFInfoSenderTests {
    typealias Action = DTMFInfoSender.Action

    func body(_ digit: DTMFDigit, _ milliseconds: Int = 100) -> DTMFInfoBody {
        DTMFInfoBody(digit: digit, durationMilliseconds: milliseconds)
    }

    /// The INFO the sender must emit for `digit` with `duration` in a relay body.
    func info(_ digit: DTMFDigit, _ duration: Int) -> Action {
        .sendINFO(digit: digit, body: Array("Signal=\(digit)\r\nDuration=\(duration)\r\n".utf8), contentType: .dtmfRelay)
    }

    @Test func digitsGoInOrderOneTransactionAtATimeWithTheGap() {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: false))
        #expect(sender.enqueue(body(.one, 80)) == [info(.one, 250)])
        #expect(sender.enqueue(body(.two, 300)).isEmpty, "second waits for the first transaction")
        #expect(sender.enqueue(body(.pound)).isEmpty)
        #expect(sender.queuedCount == 2 && sender.isAwaitingResponse)
        #expect(sender.receiveResponse(statusCode: 100).isEmpty)
        #expect(sender.timerFired().isEmpty, "no timer before the final response")
        #expect(sender.receiveResponse(statusCode: 200) == [.startTimer(.milliseconds(400))])
        #expect(sender.receiveResponse(statusCode: 200).isEmpty, "a retransmitted 200 changes nothing")
        #expect(sender.timerFired() == [info(.two, 300)])
        #expect(sender.receiveResponse(statusCode: 200) == [.startTimer(.milliseconds(400))])
        #expect(sender.timerFired() == [info(.pound, 250)])
        #expect(sender.receiveResponse(statusCode: 200) == [.startTimer(.milliseconds(400))])
        #expect(sender.timerFired().isEmpty)
        #expect(sender.enqueue(body(.three)) == [info(.three, 250)], "idle again: sent at once")
    }

    @Test func endpointSettingsShapeTheBody() {
        var sender = DTMFInfoSender(configuration: .init(contentType: .dtmf, minimumDurationMilliseconds: 100, gap: .milliseconds(300), telephoneEventNegotiated: true))
        #expect(sender.enqueue(body(.star, 50)) == [.sendINFO(digit: .star, body: [UInt8(ascii: "*")], contentType: .dtmf)])
        #expect(sender.receiveResponse(statusCode: 202) == [.startTimer(.milliseconds(300))])
    }

    @Test(arguments: [405, 415, 488, 501])
    func refusalFallsBackToRFC4733WhenNegotiated(_ code: Int) {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: true))
        _ = sender.enqueue(body(.one))
        _ = sender.enqueue(body(.two))
        let actions = sender.receiveResponse(statusCode: code)
        #expect(actions == [.fallback(body(.one, 250)), .fallback(body(.two))])
        #expect(sender.hasGivenUpINFO)
        #expect(sender.enqueue(body(.three)) == [.fallback(body(.three))], "never INFO again on this leg")
        #expect(sender.timerFired().isEmpty && sender.receiveResponse(statusCode: code).isEmpty)
    }

    @Test(arguments: [405, 415, 488, 501])
    func refusalDropsWithReasonWithoutTelephoneEvent(_ code: Int) {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: false))
        _ = sender.enqueue(body(.one))
        let actions = sender.receiveResponse(statusCode: code)
        #expect(actions == [.drop(body(.one, 250), reason: "INFO answered \(code) and no telephone-event negotiated")])
        #expect(sender.enqueue(body(.four)).count == 1)
        #expect(!sender.isAwaitingResponse)
    }

    @Test(arguments: [403, 481, 500, 503])
    func otherFailuresDropOnlyThatDigit(_ code: Int) {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: true))
        _ = sender.enqueue(body(.one))
        _ = sender.enqueue(body(.two))
        #expect(sender.receiveResponse(statusCode: code) == [.drop(body(.one, 250), reason: "INFO answered \(code)"), .startTimer(.milliseconds(400))])
        #expect(sender.timerFired() == [info(.two, 250)])
        #expect(!sender.hasGivenUpINFO)
    }

    @Test func timeoutCountsAs408AndCallEndDropsTheQueue() {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: false))
        _ = sender.enqueue(body(.one))
        _ = sender.enqueue(body(.two))
        _ = sender.enqueue(body(.three))
        #expect(sender.transactionFailed().first == .drop(body(.one, 250), reason: "INFO answered 408"))
        _ = sender.timerFired()
        #expect(sender.finish() == [.drop(body(.three), reason: "call ended")])
        #expect(sender.queuedCount == 0)
    }

    /// A peer that refuses everything: however many digits, INFO is sent once.
    @Test func refusingPeerGetsOneINFOOnly() {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: true))
        var infos = 0
        var fallbacks = 0
        var actions: [DTMFInfoSender.Action] = []
        for digit in DTMFDigit.allCases { actions += sender.enqueue(body(digit)) }
        while let action = actions.first {
            actions.removeFirst()
            switch action {
            case .sendINFO: infos += 1; actions += sender.receiveResponse(statusCode: 488)
            case .startTimer: actions += sender.timerFired()
            case .fallback: fallbacks += 1
            case .drop: Issue.record("nothing is dropped when RFC 4733 is there")
            }
        }
        #expect(infos == 1 && fallbacks == DTMFDigit.allCases.count)
    }

    @Test func theQueueIsBounded() {
        var sender = DTMFInfoSender(configuration: .init(telephoneEventNegotiated: false))
        #expect(sender.enqueue(body(.one)) == [info(.one, 250)], "in flight, never answered")
        for _ in 0..<DTMFInfoSender.maximumQueued { _ = sender.enqueue(body(.two)) }
        #expect(sender.queuedCount == DTMFInfoSender.maximumQueued)
        let over = sender.enqueue(body(.three))
        guard case .drop(let dropped, _)? = over.first, over.count == 1 else { Issue.record("\(over)"); return }
        #expect(dropped == body(.three))
        #expect(sender.queuedCount == DTMFInfoSender.maximumQueued)
    }
}
