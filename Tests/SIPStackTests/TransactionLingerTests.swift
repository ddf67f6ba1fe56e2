import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPTransaction
import SIPTransport
import Testing
@testable import SIPStack

/// Transactions in their terminal wait (Completed, Confirmed, Accepted) keep no parsed message:
/// server Completed keeps the final response's bytes and answers a retransmitted request with
/// exactly those bytes (RFC 3261 §17.2.1, §17.2.2); client INVITE Completed keeps the ACK's bytes
/// (§17.1.1.2); Accepted keeps the key (and, client side, the handler: RFC 6026 §8.4).
@Suite(.timeLimit(.minutes(1))) struct TransactionLingerTests {
    /// Records every message the stack sends, as bytes.
    struct Recording: SIPMessageTransport {
        let sent = NIOLockedValueBox<[[UInt8]]>([])
        func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
            sent.withLockedValue { $0.append(message.serialized()) }
            return MultiThreadedEventLoopGroup.singleton.any().makeSucceededVoidFuture()
        }
        func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
            sent.withLockedValue { $0.append(response.serialized()) }
            return context.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// A one-shard stack over a recording transport. T1 is long so that no timer fires during a
    /// test; the TU answers INVITE with `inviteStatus` and everything else 200.
    static func stack(inviteStatus: Int, seen: NIOLockedValueBox<Int> = NIOLockedValueBox(0)) -> (SIPStack, Recording) {
        let recording = Recording()
        let user = SIPTransactionUser(request: { transaction in
            seen.withLockedValue { $0 += 1 }
            let status = transaction.request.method == .invite ? inviteStatus : 200
            try? transaction.respond(status: status, toTag: "uas1", headers: [(.contact, "<sip:uas@127.0.0.1:5061>")])
        })
        var configuration = SIPStackConfiguration(
            sentBy: [.udp: "127.0.0.1:5061"], timers: TransactionTimers(t1: .seconds(10), t2: .seconds(40), t4: .seconds(50)),
            shardCount: 1)
        configuration.tryingDelay = .seconds(5)
        let stack = SIPStack(group: MultiThreadedEventLoopGroup.singleton, configuration: configuration, user: user) { _ in recording }
        return (stack, recording)
    }

    static func inbound(_ text: String, stack: SIPStack) throws -> SIPInboundMessage {
        let loop = stack.shards[0].eventLoop
        let context = SIPMessageContext(
            source: try SocketAddress(ipAddress: "192.0.2.9", port: 5060), transport: .udp, listener: nil, connection: nil,
            eventLoop: loop)
        return SIPInboundMessage(message: try SIPParser().parse(text), context: context)
    }

    static func request(_ method: String, branch: String = "z9hG4bKlinger1", toTag: String? = nil) -> String {
        "\(method) sip:uas@127.0.0.1:5061 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=\(branch)\r\n"
            + "From: <sip:a@192.0.2.9>;tag=a1\r\nTo: <sip:uas@127.0.0.1>\(toTag.map { ";tag=\($0)" } ?? "")\r\n"
            + "Call-ID: linger-1\r\nCSeq: \(method == "BYE" ? 2 : 1) \(method == "ACK" ? "ACK" : method)\r\nMax-Forwards: 70\r\n"
            + "Content-Length: 0\r\n\r\n"
    }

    /// An INVITE without Via (the stack adds it).
    static func outboundInvite(callID: String) -> SIPMessage {
        var headers = SIPHeaders()
        headers.append(.from, value: "<sip:a@127.0.0.1>;tag=c1")
        headers.append(.to, value: "<sip:b@192.0.2.20>")
        headers.append(.callID, value: callID)
        headers.append(.cseq, value: "1 INVITE")
        headers.append(.maxForwards, value: "70")
        return SIPMessage(request: SIPRequestLine(method: .invite, uri: "sip:b@192.0.2.20"), headers: headers)
    }

    /// Runs `body` on the shard's loop and returns its result.
    static func onShard<T: Sendable>(_ stack: SIPStack, _ body: @escaping @Sendable (StackShard) -> T) async throws -> T {
        let shard = stack.shards[0]
        return try await shard.eventLoop.submit { body(shard) }.get()
    }

    /// What the shard's only server entry retains, as a shape: "request", "final", "key", "none".
    static func serverShape(_ stack: SIPStack) async throws -> (shape: String, bytes: [UInt8]) {
        try await onShard(stack) { shard in
            guard let entry = shard.servers.values.first else { return ("none", []) }
            switch entry.retained {
            case .request: return ("request", [])
            case .finalResponse(let bytes): return ("final", bytes)
            case .keyOnly: return ("key", [])
            }
        }
    }

    func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func retransmittedByeInCompletedGetsTheIdenticalBytes() async throws {
        let seen = NIOLockedValueBox(0)
        let (stack, recording) = Self.stack(inviteStatus: 200, seen: seen)
        stack.receive(try Self.inbound(Self.request("BYE", toTag: "uas1"), stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        let lingering = try await Self.serverShape(stack)
        #expect(lingering.shape == "final", "Completed keeps only the final response's bytes")
        let first = recording.sent.withLockedValue { $0[0] }
        #expect(lingering.bytes == first)
        stack.receive(try Self.inbound(Self.request("BYE", toTag: "uas1"), stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 2 })
        #expect(recording.sent.withLockedValue { $0[1] } == first, "§17.2.2: the same response again")
        #expect(seen.withLockedValue { $0 } == 1, "the retransmission is absorbed")
    }

    @Test func rejectedInviteRetransmitsTheSameBytesThenConfirmedKeepsOnlyTheKey() async throws {
        let (stack, recording) = Self.stack(inviteStatus: 486)
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        #expect(try await Self.serverShape(stack).shape == "final")
        #expect(try await Self.onShard(stack) { $0.servers.values.first?.tryingTimer == nil }, "the TU answered: no 100 pending")
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 2 })
        let sent = recording.sent.withLockedValue { $0 }
        #expect(sent[1] == sent[0])
        #expect(String(decoding: sent[0].prefix(12), as: UTF8.self) == "SIP/2.0 486 ")
        // §17.2.1: the ACK moves Completed to Confirmed, which absorbs everything.
        stack.receive(try Self.inbound(Self.request("ACK", toTag: "uas1"), stack: stack))
        #expect(try await eventually { try await Self.serverShape(stack).shape == "key" })
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        try await Task.sleep(for: .milliseconds(50))
        #expect(recording.sent.withLockedValue { $0.count } == 2, "Confirmed absorbs the INVITE")
    }

    @Test func acceptedInviteKeepsOnlyTheKeyAndTheAckCancelsTheRetransmissionTimer() async throws {
        let (stack, recording) = Self.stack(inviteStatus: 200)
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        #expect(try await Self.serverShape(stack).shape == "key", "RFC 6026 Accepted needs no message")
        let timer = try await Self.onShard(stack) { $0.pendingSuccesses.values.first?.timer }
        let handle = try #require(timer)
        #expect(try await Self.onShard(stack) { $0.timerWheel.isScheduled(handle) })
        // The ACK for the 2xx (new branch) stops the §13.3.1.4 retransmission and its timer.
        stack.receive(try Self.inbound(Self.request("ACK", branch: "z9hG4bKlingerack", toTag: "uas1"), stack: stack))
        #expect(try await eventually { try await Self.onShard(stack) { $0.pendingSuccesses.isEmpty } })
        #expect(try await Self.onShard(stack) { !$0.timerWheel.isScheduled(handle) })
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        try await Task.sleep(for: .milliseconds(50))
        #expect(recording.sent.withLockedValue { $0.count } == 1, "Accepted absorbs the INVITE")
    }

    @Test func theTUsFirstResponseCancelsThePendingTrying() async throws {
        let recording = Recording()
        let held = NIOLockedValueBox<SIPServerTransaction?>(nil)
        let user = SIPTransactionUser(request: { transaction in held.withLockedValue { $0 = transaction } })
        var configuration = SIPStackConfiguration(sentBy: [.udp: "127.0.0.1:5061"], shardCount: 1)
        configuration.tryingDelay = .seconds(5)
        let stack = SIPStack(group: MultiThreadedEventLoopGroup.singleton, configuration: configuration, user: user) { _ in recording }
        stack.receive(try Self.inbound(Self.request("INVITE"), stack: stack))
        #expect(try await eventually { held.withLockedValue { $0 } != nil })
        let pending = try await Self.onShard(stack) { $0.servers.values.first?.tryingTimer }
        let trying = try #require(pending)
        try held.withLockedValue { $0 }?.respond(status: 180, toTag: "uas1")
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        #expect(try await Self.onShard(stack) { !$0.timerWheel.isScheduled(trying) }, "§17.2.1: the TU's response replaces the 100")
    }

    @Test func clientInviteCompletedKeepsOnlyTheAckBytesAndResendsThem() async throws {
        let (stack, recording) = Self.stack(inviteStatus: 200)
        let events = NIOLockedValueBox<[Int]>([])
        let invite = Self.outboundInvite(callID: "linger-client")
        let target = try SIPTransportTarget(host: "192.0.2.20", port: 5060, transport: .udp)
        stack.sendRequest(invite, to: target) { event in events.withLockedValue { $0.append(event.statusCode) } }
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        let sentInvite = try SIPParser().parse(recording.sent.withLockedValue { $0[0] })
        let rejection = sentInvite.makeResponse(status: 486, toTag: "b1")
        let inbound = try Self.inbound(rejection.serializedString, stack: stack)
        stack.receive(inbound)
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 2 })
        let shape = try await Self.onShard(stack) { shard in
            shard.clients.values.first.map { ($0.holdsMessages, $0.ackBytes, $0.onEvent == nil) }
        }
        let (holds, ackBytes, handlerDropped) = try #require(shape)
        #expect(!holds && handlerDropped, "Completed keeps no request and no handler")
        #expect(ackBytes == recording.sent.withLockedValue { $0[1] })
        // §17.1.1.2: a retransmitted 486 gets the same ACK and is not passed up again.
        stack.receive(try Self.inbound(rejection.serializedString, stack: stack))
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 3 })
        #expect(recording.sent.withLockedValue { $0[2] == $0[1] })
        #expect(events.withLockedValue { $0 } == [486])
    }

    @Test func clientInviteAcceptedKeepsOnlyTheHandler() async throws {
        let (stack, recording) = Self.stack(inviteStatus: 200)
        let events = NIOLockedValueBox<[Int]>([])
        let invite = Self.outboundInvite(callID: "linger-client2")
        let target = try SIPTransportTarget(host: "192.0.2.20", port: 5060, transport: .udp)
        stack.sendRequest(invite, to: target) { event in events.withLockedValue { $0.append(event.statusCode) } }
        #expect(try await eventually { recording.sent.withLockedValue { $0.count } == 1 })
        let ok = try SIPParser().parse(recording.sent.withLockedValue { $0[0] }).makeResponse(status: 200, toTag: "b1")
        stack.receive(try Self.inbound(ok.serializedString, stack: stack))
        stack.receive(try Self.inbound(ok.serializedString, stack: stack))
        #expect(try await eventually { events.withLockedValue { $0 } == [200, 200] }, "RFC 6026 §8.4: every 2xx goes up")
        let shape = try await Self.onShard(stack) { shard in
            shard.clients.values.first.map { ($0.holdsMessages, $0.ackBytes == nil, $0.onEvent != nil) }
        }
        let (holds, noAck, hasHandler) = try #require(shape)
        #expect(!holds && noAck && hasHandler)
    }
}
