import SIPTransaction
import Testing

@Suite struct ClientInviteTransactionTests {
    typealias Driver = VirtualTimeDriver<ClientInviteTransaction>

    func started(_ transport: TransportReliability, timers: TransactionTimers = .rfc3261) -> Driver {
        var driver = Driver(ClientInviteTransaction(transport: transport, timers: timers))
        driver.handle { $0.start() }
        return driver
    }

    @Test func startSendsInviteAndStartsTimersAAndB() {
        var udp = Driver(ClientInviteTransaction(transport: .unreliable))
        #expect(udp.handle { $0.start() } == [
            .sendRequest, .startTimer(.a, after: .s(0.5)), .startTimer(.b, after: .s(32)),
        ])
        #expect(udp.machine.state == .calling)
        var tcp = Driver(ClientInviteTransaction(transport: .reliable))
        #expect(tcp.handle { $0.start() } == [.sendRequest, .startTimer(.b, after: .s(32))])
        // A second start is a no-op.
        #expect(tcp.handle { $0.start() } == [])
    }

    /// §17.1.1.2: no response at all: Timer A doubles (0.5, 1, 2, 4, 8, 16 s) until Timer B at 64*T1.
    @Test func noResponseOverUDPRetransmitsWithDoublingIntervalsThenTimesOut() {
        var driver = started(.unreliable)
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitRequest) == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5].map(Duration.s))
        #expect(driver.times(of: .passUp(.timeout)) == [.s(32)])
        #expect(driver.termination?.time == .s(32))
        #expect(driver.termination?.reason == .timedOut)
        #expect(driver.machine.state == .terminated(.timedOut))
    }

    @Test func noResponseOverTCPNeverRetransmitsAndTimesOutAfterTimerB() {
        var driver = started(.reliable)
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitRequest) == [])
        #expect(driver.actions.suffix(2) == [.passUp(.timeout), .terminate(.timedOut)])
        #expect(driver.termination?.time == .s(32))
    }

    @Test func timersScaleWithT1() {
        var driver = started(.unreliable, timers: TransactionTimers(t1: .milliseconds(100)))
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitRequest) == [0.1, 0.3, 0.7, 1.5, 3.1, 6.3].map(Duration.s))
        #expect(driver.termination?.time == .s(6.4))
    }

    /// The first INVITE is lost; the retransmission gets a 180, which stops retransmissions and
    /// Timer B (the figure has no timer in Proceeding); the 200 moves to Accepted.
    @Test(arguments: [TransportReliability.unreliable, .reliable])
    func provisionalThenSuccess(transport: TransportReliability) {
        var driver = started(transport)
        driver.advance(to: .s(0.7))
        let onRinging = driver.handle { $0.receivedResponse(statusCode: 180) }
        let cancels: [ClientTransactionAction] = transport == .unreliable ? [.cancelTimer(.a)] : []
        #expect(onRinging == cancels + [.cancelTimer(.b), .passUp(.response)])
        #expect(driver.machine.state == .proceeding)
        #expect(driver.runningTimers.isEmpty)
        // Duplicate and further provisional responses all reach the TU.
        #expect(driver.handle { $0.receivedResponse(statusCode: 180) } == [.passUp(.response)])
        #expect(driver.handle { $0.receivedResponse(statusCode: 183) } == [.passUp(.response)])
        driver.advance(to: .s(100))
        #expect(driver.machine.state == .proceeding, "no timer ends Proceeding")
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [
            .passUp(.response), .startTimer(.m, after: .s(32)),
        ])
        #expect(driver.machine.state == .accepted)
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(132))
        #expect(driver.termination?.reason == .completed)
    }

    /// RFC 6026 §8.4: in Accepted every 2xx (retransmissions, other forks) goes to the TU, which
    /// ACKs it; the transaction never ACKs a 2xx; non-2xx and provisional responses are dropped.
    @Test func acceptedPassesEvery2xxUpAndDropsTheRest() {
        var driver = started(.unreliable)
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [
            .cancelTimer(.a), .cancelTimer(.b), .passUp(.response), .startTimer(.m, after: .s(32)),
        ])
        driver.advance(by: .s(1))
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [.passUp(.response)])
        #expect(driver.handle { $0.receivedResponse(statusCode: 202) } == [.passUp(.response)])
        #expect(driver.handle { $0.receivedResponse(statusCode: 180) } == [])
        #expect(driver.handle { $0.receivedResponse(statusCode: 486) } == [])
        #expect(driver.handle { $0.transportError() } == [])
        #expect(!driver.actions.contains(.sendAck))
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(32))
    }

    /// §17.1.1.2 over UDP: a 486 is ACKed and passed up; the ACK is lost, so the 486 comes again
    /// and the same ACK is resent without bothering the TU; Timer D (32 s) ends the transaction.
    @Test func failureOverUDPAcksAbsorbsRetransmissionsUntilTimerD() {
        var driver = started(.unreliable)
        driver.advance(to: .s(0.2))
        #expect(driver.handle { $0.receivedResponse(statusCode: 486) } == [
            .cancelTimer(.a), .cancelTimer(.b), .sendAck, .passUp(.response), .startTimer(.d, after: .s(32)),
        ])
        #expect(driver.machine.state == .completed)
        driver.advance(to: .s(0.7))
        #expect(driver.handle { $0.receivedResponse(statusCode: 486) } == [.retransmitAck])
        driver.advance(to: .s(1.7))
        #expect(driver.handle { $0.receivedResponse(statusCode: 486) } == [.retransmitAck])
        // Late provisional and 2xx responses are dropped.
        #expect(driver.handle { $0.receivedResponse(statusCode: 180) } == [])
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [])
        driver.runUntilIdle()
        #expect(driver.times(of: .passUp(.response)) == [.s(0.2)])
        #expect(driver.termination?.time == .s(32.2))
        #expect(driver.termination?.reason == .completed)
        #expect(driver.times(of: .retransmitRequest) == [])
    }

    @Test func failureOverTCPAcksAndTerminatesAtOnce() {
        var driver = started(.reliable)
        driver.handle { $0.receivedResponse(statusCode: 180) }
        #expect(driver.handle { $0.receivedResponse(statusCode: 603) } == [
            .sendAck, .passUp(.response), .terminate(.completed),
        ])
        #expect(driver.machine.state == .terminated(.completed))
        // Late messages after termination are ignored.
        #expect(driver.handle { $0.receivedResponse(statusCode: 603) } == [])
        #expect(driver.handle { $0.timerFired(.d) } == [])
        #expect(driver.handle { $0.transportError() } == [])
    }

    @Test func failureFromProceedingOverUDP() {
        var driver = started(.unreliable)
        driver.handle { $0.receivedResponse(statusCode: 100) }
        #expect(driver.handle { $0.receivedResponse(statusCode: 404) } == [
            .sendAck, .passUp(.response), .startTimer(.d, after: .s(32)),
        ])
        #expect(driver.machine.state == .completed)
    }

    @Test func transportErrorInCallingInformsTUAndTerminates() {
        var driver = started(.unreliable)
        driver.advance(to: .s(1.6))
        #expect(driver.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
        #expect(driver.runningTimers.isEmpty)
        #expect(driver.machine.state == .terminated(.transportError))
    }

    @Test(arguments: [180, 486])
    func transportErrorInProceedingOrCompletedInformsTUAndTerminates(statusCode: Int) {
        var driver = started(.unreliable)
        driver.handle { $0.receivedResponse(statusCode: statusCode) }
        #expect(driver.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
    }

    /// Timers that no longer apply (raced with a state change) are ignored.
    @Test func staleTimersAreIgnored() {
        var machine = ClientInviteTransaction(transport: .unreliable)
        #expect(machine.timerFired(.a).isEmpty, "before start")
        _ = machine.start()
        _ = machine.receivedResponse(statusCode: 180)
        for timer in TransactionTimer.allCases {
            #expect(machine.timerFired(timer).isEmpty, "\(timer) in Proceeding")
        }
        #expect(machine.state == .proceeding)
        var reliable = ClientInviteTransaction(transport: .reliable)
        _ = reliable.start()
        #expect(reliable.timerFired(.a).isEmpty, "Timer A never runs over TCP")
        #expect(reliable.state == .calling)
    }

    @Test(arguments: [0, 99, 700, 1000, -200])
    func statusCodesOutsideTheRangeAreIgnored(statusCode: Int) {
        var driver = started(.unreliable)
        #expect(driver.handle { $0.receivedResponse(statusCode: statusCode) } == [])
        #expect(driver.machine.state == .calling)
        driver.handle { $0.receivedResponse(statusCode: 500) }
        #expect(driver.handle { $0.receivedResponse(statusCode: statusCode) } == [])
        #expect(driver.machine.state == .completed)
    }

    /// §9.1: after a CANCEL, wait 64*T1 for the INVITE's final response, then give up.
    @Test func cancelSentInProceedingTimesOutWithoutFinalResponse() {
        var driver = started(.unreliable)
        driver.handle { $0.receivedResponse(statusCode: 180) }
        driver.advance(to: .s(10))
        #expect(driver.handle { $0.cancelSent() } == [.startTimer(.b, after: .s(32))])
        #expect(driver.handle { $0.cancelSent() } == [], "a second CANCEL does not restart the wait")
        driver.runUntilIdle()
        #expect(driver.actions.suffix(2) == [.passUp(.timeout), .terminate(.timedOut)])
        #expect(driver.termination?.time == .s(42))
    }

    @Test func cancelSentThen487EndsTheTransactionNormally() {
        var driver = started(.unreliable)
        driver.handle { $0.receivedResponse(statusCode: 180) }
        driver.handle { $0.cancelSent() }
        #expect(driver.handle { $0.receivedResponse(statusCode: 487) } == [
            .cancelTimer(.b), .sendAck, .passUp(.response), .startTimer(.d, after: .s(32)),
        ])
        driver.runUntilIdle()
        #expect(driver.termination?.reason == .completed)
    }

    @Test func cancelSentInCallingChangesNothing() {
        var driver = started(.unreliable)
        #expect(driver.handle { $0.cancelSent() } == [])
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(32))
    }
}
