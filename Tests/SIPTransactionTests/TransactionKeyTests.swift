import SIPCore
import SIPTransaction
import Testing

@Suite struct ServerTransactionKeyTests {
    @Test func inviteItsRetransmissionAndTheAckForANon2xxShareOneKey() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let key = try #require(ServerTransactionKey(request: invite))
        #expect(key == .rfc3261(branch: "z9hG4bK776asdhds", sentBy: "pc33.atlanta.example.com:5060", method: .invite))
        let retransmission = try SIPParser().parse(invite.serialized())
        #expect(ServerTransactionKey(request: retransmission) == key)
        let busy = SIPMessage.makeResponse(to: invite, status: 486, toTag: "a6c85cf")
        let ack = try #require(SIPMessage.makeACK(for: invite, response: busy))
        #expect(ServerTransactionKey(request: ack) == key, "§17.2.3: an ACK matches the INVITE's transaction")
    }

    /// §9.2: a CANCEL is its own transaction, and finds the INVITE it cancels by the same branch
    /// and sent-by with the method taken as the INVITE's.
    @Test func cancelIsItsOwnTransactionAndFindsTheInvite() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let cancel = try #require(SIPMessage.makeCancel(for: invite))
        let inviteKey = try #require(ServerTransactionKey(request: invite))
        let cancelKey = try #require(ServerTransactionKey(request: cancel))
        #expect(cancelKey != inviteKey)
        #expect(cancelKey == .rfc3261(branch: "z9hG4bK776asdhds", sentBy: "pc33.atlanta.example.com:5060", method: .cancel))
        #expect(ServerTransactionKey(cancelledBy: cancel) == inviteKey)
        #expect(ServerTransactionKey(cancelledBy: invite) == nil, "only a CANCEL cancels")
    }

    /// §17.2.3: the branch alone is not enough: two clients may pick the same branch.
    @Test func sameBranchFromAnotherSentByIsAnotherTransaction() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let other = try replacing(.via, with: "SIP/2.0/UDP pc34.atlanta.example.com:5060;branch=z9hG4bK776asdhds", in: invite)
        let otherPort = try replacing(.via, with: "SIP/2.0/UDP pc33.atlanta.example.com:5070;branch=z9hG4bK776asdhds", in: invite)
        let key = ServerTransactionKey(request: invite)
        #expect(ServerTransactionKey(request: other) != key)
        #expect(ServerTransactionKey(request: otherPort) != key)
    }

    @Test func sentByComparesHostCaseInsensitivelyAndIgnoresLinearWhitespace() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let spaced = try replacing(.via, with: "SIP / 2.0 / UDP   PC33.atlanta.EXAMPLE.com:5060 ;branch=z9hG4bK776asdhds", in: invite)
        #expect(ServerTransactionKey(request: spaced) == ServerTransactionKey(request: invite))
        let ipv6 = try replacing(.via, with: "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKv6", in: invite)
        #expect(ServerTransactionKey(request: ipv6) == .rfc3261(branch: "z9hG4bKv6", sentBy: "[2001:db8::1]:5061", method: .invite))
    }

    /// The top Via is the first value of the first Via field, even when one field lists several.
    @Test func topViaIsTheFirstValueOfACommaSeparatedField() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let combined = try replacing(
            .via,
            with: "SIP/2.0/TLS edge.example.com;branch=z9hG4bKedge, SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds",
            in: invite
        )
        #expect(ServerTransactionKey(request: combined) == .rfc3261(branch: "z9hG4bKedge", sentBy: "edge.example.com", method: .invite))
    }

    @Test func theMethodSeparatesRequestsSharingABranch() throws {
        let invite = try fixture("invite-via-proxy.sip")
        var bye = invite
        bye.startLine = .request(SIPRequestLine(method: .bye, uri: "sip:bob@biloxi.example.com"))
        bye.headers.set(.cseq, value: "314160 BYE")
        let byeKey = try #require(ServerTransactionKey(request: try SIPParser().parse(bye.serialized())))
        #expect(byeKey != ServerTransactionKey(request: invite))
        guard case .rfc3261(_, _, let method) = byeKey.form else {
            Issue.record("expected an RFC 3261 key")
            return
        }
        #expect(method == .bye)
    }

    /// RFC 2543 requests (no magic cookie): Request-URI, From tag, Call-ID, CSeq number, method
    /// (ACK as INVITE) and top Via identify the transaction.
    @Test func rfc2543FallbackMatchesRetransmissionAckAndCancel() throws {
        let invite = try fixture("invite-rfc2543.sip")
        let key = try #require(ServerTransactionKey(request: invite))
        #expect(!key.isRFC3261)
        guard case .rfc2543(let id) = key.form else { return }
        #expect(id.requestURI == "sip:bob@biloxi.example.com")
        #expect(id.fromTag == "77")
        #expect(id.callID == "12345@oldphone.example.com")
        #expect(id.cseqNumber == 8)
        #expect(id.method == .invite)
        #expect(id.topVia == "sip/2.0/udpoldphone.example.com:5060")
        #expect(ServerTransactionKey(request: try SIPParser().parse(invite.serialized())) == key)
        #expect(ServerTransactionKey(request: try fixture("ack-rfc2543.sip")) == key, "ACK with the response's To tag")
        let cancel = try fixture("cancel-rfc2543.sip")
        #expect(ServerTransactionKey(request: cancel) != key)
        #expect(ServerTransactionKey(cancelledBy: cancel) == key)
    }

    @Test func rfc2543FieldsThatDifferMakeAnotherTransaction() throws {
        let invite = try fixture("invite-rfc2543.sip")
        let key = ServerTransactionKey(request: invite)
        let changes: [(HeaderName, String)] = [
            (.cseq, "9 INVITE"),
            (.callID, "other@oldphone.example.com"),
            (.from, "Alice <sip:alice@atlanta.example.com>;tag=78"),
            (.via, "SIP/2.0/UDP oldphone.example.com:5070"),
        ]
        for (name, value) in changes {
            #expect(ServerTransactionKey(request: try replacing(name, with: value, in: invite)) != key, "\(name)")
        }
        // A branch without the magic cookie is part of the top Via, not a key on its own.
        let branched = try replacing(.via, with: "SIP/2.0/UDP oldphone.example.com:5060;branch=1", in: invite)
        #expect(ServerTransactionKey(request: branched)?.isRFC3261 == false)
        #expect(ServerTransactionKey(request: branched) != key)
    }

    @Test func requestsWithoutTheFieldsMatchingNeedsHaveNoKey() throws {
        let invite = try fixture("invite-rfc2543.sip")
        // The parser rejects these; a message built in memory can still lack them.
        var noCallID = invite
        noCallID.headers.removeAll(.callID)
        #expect(ServerTransactionKey(request: noCallID) == nil)
        var noCSeq = invite
        noCSeq.headers.removeAll(.cseq)
        #expect(ServerTransactionKey(request: noCSeq) == nil)
        var noVia = try fixture("invite-via-proxy.sip")
        noVia.headers.removeAll(.via)
        #expect(ServerTransactionKey(request: noVia) == nil)
        let badVia = try replacing(.via, with: "garbage;branch=z9hG4bKx", in: invite)
        #expect(ServerTransactionKey(request: badVia) == nil, "no sent-by to compare")
        let response = SIPMessage.makeResponse(to: invite, status: 200)
        #expect(ServerTransactionKey(request: response) == nil)
    }
}

@Suite struct ClientTransactionKeyTests {
    @Test func responsesMatchByBranchAndCSeqMethod() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let key = try #require(ClientTransactionKey(request: invite))
        #expect(key == ClientTransactionKey(branch: "z9hG4bK776asdhds", method: .invite))
        #expect(ClientTransactionKey(response: SIPMessage.makeResponse(to: invite, status: 180)) == key)
        #expect(ClientTransactionKey(response: SIPMessage.makeResponse(to: invite, status: 486)) == key)
        // The CANCEL shares the INVITE's branch (§9.1); its responses must not reach the INVITE.
        let cancel = try #require(SIPMessage.makeCancel(for: invite))
        let cancelKey = try #require(ClientTransactionKey(request: cancel))
        #expect(cancelKey != key)
        #expect(ClientTransactionKey(response: SIPMessage.makeResponse(to: cancel, status: 200)) == cancelKey)
    }

    @Test func ackAndMalformedMessagesHaveNoClientKey() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let ack = try #require(SIPMessage.makeACK(for: invite, response: SIPMessage.makeResponse(to: invite, status: 404)))
        #expect(ClientTransactionKey(request: ack) == nil)
        #expect(ClientTransactionKey(response: invite) == nil, "a request is not a response")
        let response = SIPMessage.makeResponse(to: invite, status: 200)
        let noMethod = try replacing(.cseq, with: "314159", in: try SIPParser().parse(response.serialized()))
        #expect(ClientTransactionKey(response: noMethod) == nil)
        let noNumber = try replacing(.cseq, with: "INVITE", in: try SIPParser().parse(response.serialized()))
        #expect(ClientTransactionKey(response: noNumber) == nil)
    }

    @Test func newBranchesCarryTheMagicCookieAndDiffer() {
        let branches = (0..<100).map { _ in ClientTransactionKey.makeBranch() }
        #expect(branches.allSatisfy { $0.hasPrefix("z9hG4bK") && $0.count > 7 })
        #expect(Set(branches).count == branches.count)
    }

    @Test func viaTransportNamesMapToReliability() {
        #expect(TransportReliability(viaTransport: "UDP") == .unreliable)
        #expect(TransportReliability(viaTransport: "udp") == .unreliable)
        for name in ["TCP", "TLS", "SCTP", "WS", "WSS", "tls"] {
            #expect(TransportReliability(viaTransport: name) == .reliable, "\(name)")
        }
    }
}

/// The keys carry a hash computed once; equal parts must still make equal keys that find each
/// other in a table, whatever String storage the parts came from.
@Suite struct TransactionKeyHashingTests {
    @Test func serverKeysFromEqualPartsAreEqualAndFindEachOther() {
        let built = ServerTransactionKey.rfc3261(
            branch: "z9hG4bK" + String(776, radix: 10) + "asdhds", sentBy: "pc33.example.com:5060", method: SIPMethod("IN" + "VITE"))
        let literal = ServerTransactionKey.rfc3261(branch: "z9hG4bK776asdhds", sentBy: "pc33.example.com:5060", method: .invite)
        #expect(built == literal)
        #expect(built.hashValue == literal.hashValue)
        #expect([literal: 1][built] == 1)
        #expect(built != .rfc3261(branch: "z9hG4bK776asdhds", sentBy: "pc33.example.com:5060", method: .cancel))
        #expect(built != .rfc3261(branch: "z9hG4bK776asdhdt", sentBy: "pc33.example.com:5060", method: .invite))
        #expect(built != .rfc3261(branch: "z9hG4bK776asdhds", sentBy: "pc33.example.com:5061", method: .invite))
    }

    @Test func clientKeysFromEqualPartsAreEqualAndFindEachOther() {
        let built = ClientTransactionKey(branch: "z9hG4bK" + "abc", method: SIPMethod("B" + "YE"))
        let literal = ClientTransactionKey(branch: "z9hG4bKabc", method: .bye)
        #expect(built == literal)
        #expect(Set([literal]).contains(built))
        #expect(built != ClientTransactionKey(branch: "z9hG4bKabc", method: .invite))
        #expect(built != ClientTransactionKey(branch: "z9hG4bKabd", method: .bye))
    }
}
