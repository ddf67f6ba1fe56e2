import SIPTransaction
import Testing

@Suite struct ClientNonInviteTransactionTests {
    typealias Driver = VirtualTimeDriver<ClientNonInviteTransaction>

    func started(_ transport: TransportReliability) -> Driver {
        var driver = Driver(ClientNonInviteTransaction(transport: transport))
        driver.handle { $0.start() }
        return driver
    }

    @Test func startSendsRequestAndStartsTimersEAndF() {
        var udp = Driver(ClientNonInviteTransaction(transport: .unreliable))
        #expect(udp.handle { $0.start() } == [
            .sendRequest, .startTimer(.e, after: .s(0.5)), .startTimer(.f, after: .s(32)),
        ])
        #expect(udp.machine.state == .trying)
        #expect(udp.handle { $0.start() } == [])
        var tcp = Driver(ClientNonInviteTransaction(transport: .reliable))
        #expect(tcp.handle { $0.start() } == [.sendRequest, .startTimer(.f, after: .s(32))])
    }

    /// §17.1.2.2: Timer E doubles from T1 up to T2 (0.5, 1, 2, 4, 4, … s); Timer F at 64*T1.
    @Test func noResponseOverUDPRetransmitsCappedAtT2ThenTimesOut() {
        var driver = started(.unreliable)
        driver.runUntilIdle()
        let expected = [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5].map(Duration.s)
        #expect(driver.times(of: .retransmitRequest) == expected)
        #expect(driver.actions.suffix(2) == [.passUp(.timeout), .terminate(.timedOut)])
        #expect(driver.termination?.time == .s(32))
        #expect(driver.machine.state == .terminated(.timedOut))
    }

    @Test func noResponseOverTCPTimesOutWithoutRetransmitting() {
        var driver = started(.reliable)
        driver.runUntilIdle()
        #expect(driver.times(of: .retransmitRequest) == [])
        #expect(driver.termination?.time == .s(32))
        #expect(driver.termination?.reason == .timedOut)
    }

    /// In Proceeding Timer E fires every T2 regardless of how far it had doubled (§17.1.2.2).
    @Test func proceedingRetransmitsEveryT2UntilFinalResponse() {
        var driver = started(.unreliable)
        driver.advance(to: .s(0.7))
        #expect(driver.handle { $0.receivedResponse(statusCode: 100) } == [.passUp(.response)])
        #expect(driver.machine.state == .proceeding)
        #expect(driver.handle { $0.receivedResponse(statusCode: 100) } == [.passUp(.response)], "duplicate 1xx")
        driver.advance(to: .s(10))
        #expect(driver.times(of: .retransmitRequest) == [0.5, 1.5, 5.5, 9.5].map(Duration.s))
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [
            .passUp(.response), .cancelTimer(.e), .cancelTimer(.f), .startTimer(.k, after: .s(5)),
        ])
        #expect(driver.machine.state == .completed)
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(15))
        #expect(driver.termination?.reason == .completed)
    }

    @Test func proceedingTimesOutWithTimerF() {
        var driver = started(.unreliable)
        driver.handle { $0.receivedResponse(statusCode: 100) }
        driver.runUntilIdle()
        #expect(driver.termination?.time == .s(32))
        #expect(driver.termination?.reason == .timedOut)
        #expect(driver.times(of: .passUp(.timeout)) == [.s(32)])
    }

    /// Completed absorbs retransmitted and late responses until Timer K (T4).
    @Test(arguments: [200, 404, 503])
    func finalResponseOverUDPWaitsTimerKAbsorbingRetransmissions(statusCode: Int) {
        var driver = started(.unreliable)
        driver.advance(to: .s(2))
        driver.handle { $0.receivedResponse(statusCode: statusCode) }
        driver.advance(by: .s(1))
        #expect(driver.handle { $0.receivedResponse(statusCode: statusCode) } == [])
        #expect(driver.handle { $0.receivedResponse(statusCode: 100) } == [])
        #expect(driver.handle { $0.transportError() } == [])
        driver.runUntilIdle()
        #expect(driver.times(of: .passUp(.response)) == [.s(2)])
        #expect(driver.times(of: .retransmitRequest) == [0.5, 1.5].map(Duration.s))
        #expect(driver.termination?.time == .s(7))
    }

    @Test func finalResponseOverTCPTerminatesAtOnce() {
        var driver = started(.reliable)
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [
            .passUp(.response), .cancelTimer(.f), .terminate(.completed),
        ])
        #expect(driver.handle { $0.receivedResponse(statusCode: 200) } == [])
    }

    @Test(arguments: [false, true])
    func transportErrorInformsTUAndTerminates(afterProvisional: Bool) {
        var driver = started(.unreliable)
        if afterProvisional { driver.handle { $0.receivedResponse(statusCode: 180) } }
        #expect(driver.handle { $0.transportError() } == [.passUp(.transportError), .terminate(.transportError)])
        #expect(driver.machine.state == .terminated(.transportError))
        #expect(driver.runningTimers.isEmpty)
    }

    @Test func staleTimersAndBadStatusCodesAreIgnored() {
        var machine = ClientNonInviteTransaction(transport: .unreliable)
        #expect(machine.receivedResponse(statusCode: 200).isEmpty, "before start")
        #expect(machine.transportError().isEmpty, "before start")
        _ = machine.start()
        #expect(machine.receivedResponse(statusCode: 42).isEmpty)
        #expect(machine.timerFired(.k).isEmpty)
        #expect(machine.timerFired(.a).isEmpty)
        #expect(machine.state == .trying)
        _ = machine.receivedResponse(statusCode: 200)
        #expect(machine.timerFired(.e).isEmpty)
        #expect(machine.timerFired(.f).isEmpty)
        #expect(machine.state == .completed)
        var reliable = ClientNonInviteTransaction(transport: .reliable)
        _ = reliable.start()
        _ = reliable.receivedResponse(statusCode: 100)
        #expect(reliable.timerFired(.e).isEmpty, "Timer E never runs over TCP")
    }
}
