import NIOCore
import SIPCore
import Testing

@testable import SIPTransport

@Suite struct SIPInboundProcessingTests {
    let source = try! SocketAddress(ipAddress: "192.0.2.50", port: 6000)

    private func outcome(_ text: String) -> SIPInboundOutcome {
        SIPInboundProcessing.datagram(Array(text.utf8), source: source, parser: SIPParser())
    }

    @Test func deliversStampedRequest() throws {
        guard case .deliver(let message) = outcome(Messages.options(via: "SIP/2.0/UDP 10.1.1.1;rport;branch=z9hG4bKa")) else {
            Issue.record("not delivered")
            return
        }
        let via = try #require(try message.topVia)
        #expect(via.received == "192.0.2.50")
        #expect(via.rport == .port(UInt16(6000)))
    }

    @Test func answersBadContentLengthWith400() throws {
        let text = Messages.options(via: "SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKb")
            .replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: zero")
        guard case .respond(let response, _) = outcome(text) else {
            Issue.record("not answered")
            return
        }
        #expect(response.statusCode == 400)
        #expect(response.topViaBranch == "z9hG4bKb")
    }

    @Test func answersUnreadableViaWith400() throws {
        guard case .respond(let response, let defect) = outcome(Messages.options(via: "SIP/2.0/UDP")) else {
            Issue.record("not answered")
            return
        }
        #expect(response.statusCode == 400)
        #expect(defect.contains("Via"))
    }

    @Test func dropsWhatCannotBeAnswered() {
        guard case .drop = outcome("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKc\r\nContent-Length: nope\r\n\r\n") else {
            Issue.record("a broken response must be dropped")
            return
        }
        guard case .drop = outcome("\u{01}\u{02} garbage\r\n\r\n") else {
            Issue.record("garbage must be dropped")
            return
        }
    }

    @Test func crlfDatagramIsAKeepAlive() {
        guard case .keepAlive = outcome("\r\n\r\n") else {
            Issue.record("not a keep-alive")
            return
        }
    }

    @Test func responsesAreDeliveredUnstamped() throws {
        let text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.9.9.9;rport;branch=z9hG4bKd\r\n"
            + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        guard case .deliver(let message) = outcome(text) else {
            Issue.record("not delivered")
            return
        }
        #expect(try #require(try message.topVia).received == nil)
    }
}
