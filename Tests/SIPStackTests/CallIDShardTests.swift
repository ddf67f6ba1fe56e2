import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPStack
import SIPTransport
import Testing

/// `handles(callID:on:)` names the loop on which the stack delivers a Call-ID's requests and
/// client events (a B2BUA picks leg Call-IDs on its call's loop with it).
@Suite(.timeLimit(.minutes(1))) struct CallIDShardTests {
    @Test func handlesNamesTheLoopARequestIsDeliveredOn() async throws {
        let delivered = NIOLockedValueBox<[String: ObjectIdentifier]>([:])
        let user = SIPTransactionUser(request: { transaction in
            if let callID = transaction.request.callID, let loop = MultiThreadedEventLoopGroup.currentEventLoop {
                delivered.withLockedValue { $0[callID] = ObjectIdentifier(loop) }
            }
            try? transaction.respond(status: 200)
        })
        let (uac, uas, link) = LoopbackLink.pair(uas: user)
        let loops = Array(link.group.makeIterator())
        let callIDs = (0..<8).map { "shard-test-\($0)@example.net" }
        for callID in callIDs {
            // Exactly one loop handles each Call-ID.
            #expect(loops.filter { uas.handles(callID: callID, on: $0) }.count == 1, "\(callID)")
        }
        let answered = NIOLockedValueBox(0)
        let clientLoops = NIOLockedValueBox<[String: ObjectIdentifier]>([:])
        for callID in callIDs {
            uac.sendRequest(LoopbackLink.request(.options, callID: callID), to: LoopbackLink.target) { event in
                if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
                    clientLoops.withLockedValue { $0[callID] = ObjectIdentifier(loop) }
                }
                if event.isFinal { answered.withLockedValue { $0 += 1 } }
            }
        }
        for _ in 0..<250 where answered.withLockedValue({ $0 }) < callIDs.count {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(answered.withLockedValue { $0 } == callIDs.count)
        for callID in callIDs {
            let server = try #require(delivered.withLockedValue { $0[callID] })
            #expect(loops.first { ObjectIdentifier($0) == server }.map { uas.handles(callID: callID, on: $0) } == true)
            let client = try #require(clientLoops.withLockedValue { $0[callID] })
            #expect(loops.first { ObjectIdentifier($0) == client }.map { uac.handles(callID: callID, on: $0) } == true)
        }
    }
}
