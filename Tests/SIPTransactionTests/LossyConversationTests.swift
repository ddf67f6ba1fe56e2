import SIPTransaction
import Testing

/// Client and server transactions back to back over a lossy UDP link: whichever single message
/// copy is lost, the client's TU sees the final response exactly once and both sides end normally.
@Suite struct LossyConversationTests {
    typealias InviteCall = LossyConversation<ClientInviteTransaction, ServerInviteTransaction>
    typealias Request = LossyConversation<ClientNonInviteTransaction, ServerNonInviteTransaction>

    /// Every message kind of a rejected INVITE, and which copy of it to lose (1st, 2nd, 3rd).
    static let inviteLosses: [(InviteCall.Wire, Int)] = [
        (.request, 1), (.request, 2), (.request, 3),
        (.response(100), 1), (.response(100), 2),
        (.response(486), 1), (.response(486), 2), (.response(486), 3),
        (.ack, 1), (.ack, 2), (.ack, 3),
    ]

    @Test(arguments: 0..<inviteLosses.count)
    func rejectedInviteSurvivesLosingAnyOneCopy(lossIndex: Int) throws {
        let (lost, copy) = Self.inviteLosses[lossIndex]
        var call = InviteCall(
            client: ClientInviteTransaction(transport: .unreliable),
            server: ServerInviteTransaction(transport: .unreliable),
            answerDelay: .seconds(2), finalStatus: 486,
            drops: { $0 == lost && $1 == copy },
            serverAck: { $0.receivedAck() }
        )
        try call.run()
        let finals = call.clientNotices.filter { $0.notice == .response && $0.status == 486 }
        #expect(finals.count == 1, "the TU sees the 486 once")
        #expect(call.clientEnded?.reason == .completed)
        #expect(call.serverEnded?.reason == .completed, "the server got an ACK")
        #expect(call.serverNotices == [.request], "retransmissions never reach the server's TU")
        #expect((call.sent[.ack] ?? 0) >= 1)
        // Timer D (32 s) outlives every server retransmission (Timer H, 64*T1 after the 486).
        if let clientEnd = call.clientEnded?.time, let serverEnd = call.serverEnded?.time {
            #expect(clientEnd > serverEnd - .seconds(5))
        }
    }

    @Test func rejectedInviteWithEveryAckLostTimesOutOnTheServerOnly() throws {
        var call = InviteCall(
            client: ClientInviteTransaction(transport: .unreliable),
            server: ServerInviteTransaction(transport: .unreliable),
            answerDelay: .seconds(1), finalStatus: 503,
            drops: { wire, _ in wire == .ack },
            serverAck: { $0.receivedAck() }
        )
        try call.run()
        #expect(call.clientEnded?.reason == .completed)
        #expect(call.serverEnded?.reason == .timedOut)
        #expect(call.serverNotices == [.request, .timeout])
        // One ACK per 486 copy that reached the client: the first and ten Timer G retransmissions.
        #expect(call.sent[.ack] == 11)
        #expect(call.sent[.response(503)] == 11)
    }

    @Test func inviteToASilentServerTimesOutAfterSevenTransmissions() throws {
        var call = InviteCall(
            client: ClientInviteTransaction(transport: .unreliable),
            server: ServerInviteTransaction(transport: .unreliable),
            answerDelay: .seconds(1), finalStatus: 486,
            drops: { wire, _ in wire == .request }
        )
        try call.run()
        #expect(call.sent[.request] == 7)
        #expect(call.clientEnded?.reason == .timedOut)
        #expect(call.clientNotices.map(\.notice) == [.timeout])
        #expect(call.serverEnded == nil, "the server never heard of it")
    }

    static let requestLosses: [(Request.Wire, Int)] = [
        (.request, 1), (.request, 2), (.request, 4),
        (.response(200), 1), (.response(200), 2),
    ]

    @Test(arguments: 0..<requestLosses.count)
    func nonInviteSurvivesLosingAnyOneCopy(lossIndex: Int) throws {
        let (lost, copy) = Self.requestLosses[lossIndex]
        var request = Request(
            client: ClientNonInviteTransaction(transport: .unreliable),
            server: ServerNonInviteTransaction(transport: .unreliable),
            answerDelay: .seconds(3), finalStatus: 200,
            drops: { $0 == lost && $1 == copy }
        )
        try request.run()
        #expect(request.clientNotices.filter { $0.status == 200 }.count == 1)
        #expect(request.clientEnded?.reason == .completed)
        #expect(request.serverEnded?.reason == .completed)
        #expect(request.serverNotices == [.request])
    }

    /// A server that takes longer than 64*T1 to answer: the client gives up at 32 s; the server's
    /// late 200 goes out but nobody is listening.
    @Test func slowNonInviteServerLetsTheClientTimeOut() throws {
        var request = Request(
            client: ClientNonInviteTransaction(transport: .unreliable),
            server: ServerNonInviteTransaction(transport: .unreliable),
            answerDelay: .seconds(40), finalStatus: 200,
            drops: { _, _ in false }
        )
        try request.run()
        #expect(request.clientEnded?.reason == .timedOut)
        #expect(request.clientEnded?.time == .seconds(32))
        #expect(request.clientNotices.map(\.notice) == [.timeout])
        #expect(request.serverEnded?.reason == .completed)
    }
}
