import SIPTransaction
import Testing

@Suite struct ServerNonInviteTransactionTests {
    typealias Driver = VirtualTimeDriver<ServerNonInviteTransaction>

    func started(_ transport: TransportReliability) -> Driver {
        var driver = Driver(ServerNonInviteTransaction(transport: transport))
        #expect(driver.handle { $0.start() } == [.passUp(.request)])
        return driver
    }

    /// Trying has no response to resend: retransmissions are absorbed (RFC 4320: no 100 to a
    /// non-INVITE).
    @Test func tryingAbsorbsRetransmissions() {
        var driver = started(.unreliable)
        #expect(driver.machine.state == .trying)
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [])
        #expect(driver.handle { $0.start() } == [], "a second start is a no-op")
        #expect(driver.handle { $0.transportError() } == [], "nothing was sent yet")
        #expect(driver.machine.state == .trying)
    }

    @Test func proceedingResendsTheLatestProvisional() throws {
        var driver = started(.unreliable)
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 100) } == [.sendResponse])
        #expect(driver.machine.state == .proceeding)
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 183) } == [.sendResponse])
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
    }

    /// The final response is lost: every retransmitted request gets it again until Timer J.
    @Test(arguments: [false, true])
    func completedOverUDPResendsFinalUntilTimerJ(viaProceeding: Bool) throws {
        var driver = started(.unreliable)
        if viaProceeding { try driver.handle { try $0.tuSendsResponse(statusCode: 100) } }
        driver.advance(to: .s(0.3))
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 200) } == [
            .sendResponse, .startTimer(.j, after: .s(32)),
        ])
        #expect(driver.machine.state == .completed)
        for time in [0.5, 1.5, 3.5, 7.5] {
            driver.advance(to: .s(time))
            #expect(driver.handle { $0.receivedRequestRetransmission() } == [.retransmitLastResponse])
        }
        #expect(throws: TransactionUsageError.finalResponseAlreadySent(statusCode: 500)) {
            try driver.handle { try $0.tuSendsResponse(statusCode: 500) }
        }
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(32.3))
        #expect(driver.termination?.reason == .completed)
        #expect(driver.handle { $0.receivedRequestRetransmission() } == [], "late request after Terminated")
        #expect(throws: TransactionUsageError.terminated) {
            try driver.handle { try $0.tuSendsResponse(statusCode: 200) }
        }
    }

    @Test func finalResponseOverTCPTerminatesAtOnce() throws {
        var driver = started(.reliable)
        #expect(try driver.handle { try $0.tuSendsResponse(statusCode: 404) } == [
            .sendResponse, .terminate(.completed),
        ])
        #expect(driver.machine.state == .terminated(.completed))
    }

    @Test(arguments: [180, 200])
    func transportErrorAfterSendingInformsTUAndTerminates(statusCode: Int) throws {
        var driver = started(.unreliable)
        try driver.handle { try $0.tuSendsResponse(statusCode: statusCode) }
        #expect(driver.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
        #expect(driver.runningTimers.isEmpty)
    }

    @Test func misuseThrowsAndSendsNothing() throws {
        var machine = ServerNonInviteTransaction(transport: .unreliable)
        #expect(throws: TransactionUsageError.notStarted) { try machine.tuSendsResponse(statusCode: 200) }
        _ = machine.start()
        #expect(throws: TransactionUsageError.invalidStatusCode(99)) { try machine.tuSendsResponse(statusCode: 99) }
        #expect(throws: TransactionUsageError.invalidStatusCode(700)) { try machine.tuSendsResponse(statusCode: 700) }
        #expect(machine.state == .trying)
        #expect(machine.timerFired(.j).isEmpty, "Timer J only applies in Completed")
    }
}

@Suite struct TransactionRetentionTests {
    @Test func serverMachinesKeepTheRequestUntilTheFinalResponseThenBytesThenNothing() throws {
        var invite = ServerInviteTransaction(transport: .unreliable)
        #expect(invite.retention == .request)
        _ = invite.start()
        #expect(invite.retention == .request)
        _ = try invite.tuSendsResponse(statusCode: 486)
        #expect(invite.retention == .finalResponse)
        _ = invite.receivedAck()
        #expect(invite.state == .confirmed && invite.retention == .keyOnly)

        var accepted = ServerInviteTransaction(transport: .unreliable)
        _ = accepted.start()
        _ = try accepted.tuSendsResponse(statusCode: 200)
        #expect(accepted.retention == .keyOnly)

        var bye = ServerNonInviteTransaction(transport: .unreliable)
        _ = bye.start()
        _ = try bye.tuSendsResponse(statusCode: 100)
        #expect(bye.retention == .request)
        _ = try bye.tuSendsResponse(statusCode: 200)
        #expect(bye.retention == .finalResponse)
    }

    @Test func clientMachinesKeepTheAckOrTheHandlerOrNothing() {
        var rejected = ClientInviteTransaction(transport: .unreliable)
        _ = rejected.start()
        #expect(rejected.retention == .request)
        _ = rejected.receivedResponse(statusCode: 180)
        #expect(rejected.retention == .request)
        _ = rejected.receivedResponse(statusCode: 486)
        #expect(rejected.retention == .ack)

        var answered = ClientInviteTransaction(transport: .unreliable)
        _ = answered.start()
        _ = answered.receivedResponse(statusCode: 200)
        #expect(answered.retention == .handler)

        var bye = ClientNonInviteTransaction(transport: .unreliable)
        _ = bye.start()
        _ = bye.receivedResponse(statusCode: 200)
        #expect(bye.retention == .keyOnly)
    }
}
