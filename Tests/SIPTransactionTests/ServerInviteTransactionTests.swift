import SIPTransaction
import Testing

@Suite struct ServerInviteTransactionTests {
    typealias Driver = VirtualTimeDriver<ServerInviteTransaction>

    func started(_ transport: TransportReliability, sendsTrying: Bool = true) -> Driver {
        var driver = Driver(ServerInviteTransaction(transport: transport, sendsTrying: sendsTrying))
        driver.handle { $0.start() }
        return driver
    }

    @Test func startSendsTryingAndPassesTheInviteUp() {
        var driver = Driver(ServerInviteTransaction(transport: .unreliable))
        #expect(driver.handle { $0.start() } == [.sendTrying, .passUp(.request)])
        #expect(driver.machine.state == .proceeding)
        #expect(driver.handle { $0.start() } == [])
        // The 100 was lost: the retransmitted INVITE gets it again, not the TU.
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
    }

    @Test func withoutAutomaticTryingARetransmissionBeforeAnyResponseIsAbsorbed() throws {
        var driver = started(.unreliable, sendsTrying: false)
        #expect(driver.actions == [.passUp(.request)])
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [])
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 180) } == [.sendResponse])
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
    }

    /// §17.2.1 over UDP with every ACK lost: Timer G resends the final response at T1 doubling to
    /// T2 until Timer H (64*T1) gives up and tells the TU.
    @Test func failureOverUDPWithoutAckRetransmitsUntilTimerH() throws {
        var driver = started(.unreliable)
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 486) } == [
            .sendResponse, .startTimer(.g, after: .s(0.5)), .startTimer(.h, after: .s(32)),
        ])
        #expect(driver.machine.state == .completed)
        driver.runUntilIdle()
        let expected = [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5].map(Duration.s)
        #expect(driver.times(of: .retransmitLastResponse) == expected)
        #expect(driver.actions.suffix(2) == [.passUp(.timeout), .terminate(.timedOut)])
        #expect(driver.termination?.time == .s(32))
    }

    @Test func failureOverTCPWithoutAckTimesOutWithoutRetransmitting() throws {
        var driver = started(.reliable)
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 486) } == [
            .sendResponse, .startTimer(.h, after: .s(32)),
        ])
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitLastResponse) == [])
        #expect(driver.termination?.reason == .timedOut)
    }

    /// The first 486 is lost; the UAC retransmits the INVITE and gets it; its ACK arrives after one
    /// Timer G retransmission; Timer I (T4) then absorbs ACK and INVITE retransmissions.
    @Test func failureOverUDPAckedAfterLossThenTimerIAbsorbsRetransmissions() throws {
        var driver = started(.unreliable)
        try driver.handle { try $0.tuSendsResponse(statusCode: 486) }
        driver.advance(to: .s(0.2))
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
        driver.advance(to: .s(0.6))
        #expect(driver.handle { $0.receivedAck() } == [
            .cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, after: .s(5)),
        ])
        #expect(driver.machine.state == .confirmed)
        driver.advance(to: .s(1))
        #expect(driver.handle { $0.receivedAck() } == [])
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [])
        #expect(driver.handle { $0.receivedCancel() } == [])
        #expect(driver.handle { $0.transportError() } == [])
        #expect(throws: TransactionUsageError.finalResponseAlreadySent(statusCode: 200)) {
            try driver.handle { try $0.tuSendsResponse(statusCode: 200) }
        }
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitLastResponse) == [.s(0.2), .s(0.5)])
        #expect(driver.termination?.time == .s(5.6))
        #expect(driver.termination?.reason == .completed)
        #expect(!driver.actions.contains(.passUp(.ack)), "the ACK for a non-2xx stays in the transaction")
    }

    @Test func failureOverTCPAckedTerminatesAtOnce() throws {
        var driver = started(.reliable)
        try driver.handle { try $0.tuSendsResponse(statusCode: 603) }
        #expect(driver.handle { $0.receivedAck() } == [.cancelTimer(.h), .terminate(.completed)])
        #expect(driver.machine.state == .terminated(.completed))
        #expect(driver.handle { $0.receivedAck() } == [], "late ACK")
    }

    /// RFC 6026 §8.7: a 2xx moves to Accepted for 64*T1; the transaction never retransmits the
    /// 2xx itself, absorbs INVITE retransmissions, passes ACKs and the TU's 2xx retransmissions.
    @Test(arguments: [TransportReliability.unreliable, .reliable])
    func successMovesToAcceptedUntilTimerL(transport: TransportReliability) throws {
        var driver = started(transport)
        driver.advance(to: .s(1))
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 200) } == [
            .sendResponse, .startTimer(.l, after: .s(32)),
        ])
        #expect(driver.machine.state == .accepted)
        driver.advance(by: .s(0.5))
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [])
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 200) } == [.sendResponse])
        #expect(driver.handle { $0.receivedAck() } == [.passUp(.ack)])
        #expect(driver.handle { $0.receivedAck() } == [.passUp(.ack)], "ACK retransmissions reach the TU")
        #expect(driver.handle { $0.receivedCancel() } == [])
        #expect(throws: TransactionUsageError.finalResponseAlreadySent(statusCode: 486)) {
            try driver.handle { try $0.tuSendsResponse(statusCode: 486) }
        }
        #expect(throws: TransactionUsageError.finalResponseAlreadySent(statusCode: 180)) {
            try driver.handle { try $0.tuSendsResponse(statusCode: 180) }
        }
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitLastResponse) == [])
        #expect(driver.termination?.time == .s(33))
        #expect(driver.termination?.reason == .completed)
    }

    /// §9.2: a CANCEL in Proceeding goes to the TU, which answers the INVITE with 487.
    @Test func cancelInProceedingReachesTheTUAndA487Completes() throws {
        var driver = started(.unreliable)
        try driver.handle { try $0.tuSendsResponse(statusCode: 180) }
        driver.advance(to: .s(3))
        #expect(driver.handle { $0.receivedCancel() } == [.passUp(.cancel)])
        #expect(driver.handle { $0.receivedCancel() } == [.passUp(.cancel)], "each matched CANCEL is reported")
        try driver.handle { try $0.tuSendsResponse(statusCode: 487) }
        #expect(driver.machine.state == .completed)
        #expect(driver.handle { $0.receivedCancel() } == [], "no effect once a final response was sent")
        driver.advance(by: .s(0.1))
        driver.handle { $0.receivedAck() }
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(8.1))
        #expect(driver.termination?.reason == .completed)
    }

    @Test(arguments: [TransportReliability.unreliable, .reliable])
    func transportErrorInProceedingOrCompletedInformsTUAndTerminates(transport: TransportReliability) throws {
        var proceeding = started(transport)
        #expect(proceeding.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
        var completed = started(transport)
        try completed.handle { try $0.tuSendsResponse(statusCode: 500) }
        #expect(completed.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
        #expect(completed.runningTimers.isEmpty)
    }

    /// RFC 6026 Figure 7: a transport error in Accepted informs the TU and stays.
    @Test func transportErrorInAcceptedInformsTUAndStays() throws {
        var driver = started(.unreliable)
        try driver.handle { try $0.tuSendsResponse(statusCode: 200) }
        #expect(driver.handle { $0.transportError() } == [.passUp(.transportError)])
        #expect(driver.machine.state == .accepted)
        driver.runUntilIdle()
        #expect(driver.termination?.reason == .completed)
    }

    @Test func misuseAndStaleEventsAreHandled() throws {
        var machine = ServerInviteTransaction(transport: .unreliable)
        #expect(throws: TransactionUsageError.notStarted) { try machine.tuSendsResponse(statusCode: 180) }
        #expect(machine.receivedAck().isEmpty)
        #expect(machine.receivedCancel().isEmpty)
        #expect(machine.transportError().isEmpty)
        _ = machine.start()
        #expect(machine.receivedAck().isEmpty, "an ACK before any final response is ignored")
        #expect(throws: TransactionUsageError.invalidStatusCode(1000)) { try machine.tuSendsResponse(statusCode: 1000) }
        for timer in TransactionTimer.allCases {
            #expect(machine.timerFired(timer).isEmpty, "\(timer) in Proceeding")
        }
        _ = try machine.tuSendsResponse(statusCode: 200)
        #expect(machine.timerFired(.g).isEmpty)
        #expect(machine.timerFired(.h).isEmpty)
        _ = machine.timerFired(.l)
        #expect(throws: TransactionUsageError.terminated) { try machine.tuSendsResponse(statusCode: 200) }
        var reliable = ServerInviteTransaction(transport: .reliable)
        _ = reliable.start()
        _ = try reliable.tuSendsResponse(statusCode: 486)
        #expect(reliable.timerFired(.g).isEmpty, "Timer G never runs over TCP")
    }
}
