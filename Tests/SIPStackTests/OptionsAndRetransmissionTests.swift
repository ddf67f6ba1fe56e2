import SIPCore
import SIPTransaction
import Testing
@testable import SIPStack

@Suite struct OptionsResponderTests {
    func options(_ uri: String) throws -> SIPMessage {
        try SIPParser().parse(
            "OPTIONS \(uri) SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK1\r\nFrom: <sip:c@x>;tag=1\r\n"
                + "To: <\(uri)>\r\nCall-ID: o1\r\nCSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func onlyAnOptionsWithoutUserToOneOfOurHostsIsOurs() throws {
        let responder = OptionsResponder()
        let ours: Set<String> = ["192.0.2.1", "gw.example"]
        #expect(responder.isAimedAtGateway(try options("sip:192.0.2.1:5060"), localHosts: ours))
        #expect(responder.isAimedAtGateway(try options("sip:GW.example"), localHosts: ours))
        #expect(!responder.isAimedAtGateway(try options("sip:+4670123@192.0.2.1"), localHosts: ours))
        #expect(!responder.isAimedAtGateway(try options("sip:198.51.100.1"), localHosts: ours))
        #expect(responder.isAimedAtGateway(try options("sip:198.51.100.1"), localHosts: []))
    }

    @Test func theAnswerCarriesAllowAcceptSupported() throws {
        let response = OptionsResponder().response(to: try options("sip:gw.example"))
        #expect(response.statusCode == 200)
        #expect(response.headers[.allow]?.contains("INVITE, ACK, BYE, CANCEL, OPTIONS") == true)
        #expect(response.headers[.accept] == "application/sdp, application/dtmf-relay")
        #expect(response.headers[.supported] == "timer, replaces")
        #expect(response.headers[.cseq] == "7 OPTIONS")
    }
}

@Suite struct SuccessRetransmissionTests {
    @Test func doublesToT2AndGivesUpAt64T1() {
        var schedule = SuccessRetransmission(timers: .rfc3261)
        #expect(schedule.interval == .milliseconds(500))
        var intervals: [Duration] = []
        while let next = schedule.fired() { intervals.append(next) }
        // Resent at 0.5, 1.5, 3.5, 7.5, 11.5, … 31.5 s (10 times); at 35.5 s 64·T1 (32 s) has passed.
        #expect(Array(intervals.prefix(4)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(4)])
        #expect(schedule.elapsed >= .seconds(32))
        #expect(intervals.count == 10)
    }
}
