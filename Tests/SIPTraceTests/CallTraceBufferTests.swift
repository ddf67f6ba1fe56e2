import Testing
@testable import SIPTrace

@Suite struct CallTraceBufferTests {
    let local = TraceEndpoint(ipv4: 198, 51, 100, 1, port: 5060)
    let remote = TraceEndpoint(ipv4: 192, 0, 2, 10, port: 5060)

    func invite(_ callID: String, body: String = "") -> [UInt8] {
        CallFixture.message("INVITE sip:bob@example.com SIP/2.0", cseq: "1 INVITE", callID: callID, body: body)
    }

    func record(_ buffer: CallTraceBuffer, _ message: [UInt8], at millis: UInt64 = 0) -> CallTraceBuffer.RecordOutcome {
        buffer.record(direction: .inbound, message: message, local: local, remote: remote, transport: .udp, time: CallFixture.time(millis))
    }

    @Test func oldestCallIsEvictedBeyondMaxCalls() {
        let buffer = CallTraceBuffer(limits: .init(maxCalls: 3))
        for index in 1...4 { #expect(record(buffer, invite("call-\(index)")) == .recorded) }
        #expect(buffer.callIDs == ["call-2", "call-3", "call-4"])
        #expect(buffer.pcap(for: "call-1") == nil)
        #expect(buffer.trace(for: "call-4")?.messageCount == 1)
    }

    @Test func messagesBeyondThePerCallLimitAreCountedNotKept() {
        let buffer = CallTraceBuffer(limits: .init(maxMessagesPerCall: 2))
        #expect(record(buffer, invite("c")) == .recorded)
        #expect(record(buffer, invite("c")) == .recorded)
        #expect(record(buffer, invite("c")) == .callFull)
        let trace = buffer.trace(for: "c")
        #expect(trace?.messageCount == 2)
        #expect(trace?.droppedMessages == 1)
    }

    @Test func byteLimitEvictsOldestCallsButKeepsTheGrowingOne() {
        let size = invite("call-1").count
        let buffer = CallTraceBuffer(limits: .init(maxBytes: size * 3))
        for index in 1...3 { #expect(record(buffer, invite("call-\(index)")) == .recorded) }
        #expect(buffer.byteCount == size * 3)
        // call-3 grows: the two oldest calls make room, call-3 itself stays.
        #expect(record(buffer, invite("call-3")) == .recorded)
        #expect(buffer.callIDs == ["call-2", "call-3"])
        #expect(record(buffer, invite("call-3")) == .recorded)
        #expect(buffer.callIDs == ["call-3"])
        #expect(buffer.byteCount == size * 3)
        #expect(record(buffer, invite("call-3")) == .tooLarge)
        #expect(record(buffer, [UInt8](repeating: 0x41, count: size * 4)) == .noCallID)
    }

    @Test func callIDComesFromTheHeaderInAnyCaseOrCompactForm() {
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nCALL-ID:  abc@h \r\n\r\n".utf8)) == "abc@h")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nTo: <sip:b>\r\ni:xyz\r\n\r\n".utf8)) == "xyz")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\n\r\nCall-ID: body\r\n".utf8)) == nil)
        #expect(CallIDScanner.callID(in: Array("Call-ID: start-line\r\n\r\n".utf8)) == nil)
        #expect(CallIDScanner.callID(in: [0xFF, 0x0A, 0x3A, 0x0A]) == nil)
        // Blanks inside the name are ignored; a longer or shorter name is another header.
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nCall -ID\t: a1\r\n\r\n".utf8)) == "a1")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nCall-IDs: a1\r\nCall-I: a2\r\nI : a3\r\n\r\n".utf8)) == "a3")
        // Any collection of bytes, a slice with non-zero indices included.
        let padded = Array("xxBYE sip:a SIP/2.0\nCall-ID: s1\n\n".utf8)
        #expect(CallIDScanner.callID(in: padded[2...]) == "s1")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nCall-ID:   \r\n\r\n".utf8)) == nil)
    }

    @Test func headerNamesMatchWholeWithBlanksIgnoredInPlaceOrCopied() {
        let message = Array("INVITE sip:a SIP/2.0\r\nVia: SIP/2.0/UDP h;i=1\r\nCall-IDs: no\r\nI-x: no\r\nCall-Id\t : yes@h\r\n\r\n".utf8)
        #expect(CallIDScanner.callID(in: message) == "yes@h")
        // A slice starting past 0, and a collection not in contiguous memory (scanned from a copy).
        #expect(CallIDScanner.callID(in: (Array("XY".utf8) + message)[2...]) == "yes@h")
        #expect(CallIDScanner.callID(in: message.reversed().reversed()) == "yes@h")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\n I :compact\r\n\r\n".utf8)) == "compact")
        #expect(CallIDScanner.callID(in: Array("BYE sip:a SIP/2.0\r\nCall-I: no\r\nCall: no\r\n\r\n".utf8)) == nil)
    }

    @Test func associatedLegSharesTheTraceAndLeavesWithIt() throws {
        let buffer = CallTraceBuffer(limits: .init(maxCalls: 1))
        #expect(record(buffer, invite("a-leg")) == .recorded)
        buffer.associate("b-leg", with: "a-leg")
        #expect(record(buffer, invite("b-leg")) == .recorded)
        #expect(buffer.trace(for: "b-leg")?.messageCount == 2)
        let both = try TsharkReader.fields(of: try #require(buffer.pcap(for: "b-leg")), ["sip.Call-ID"])
        #expect(both == [["a-leg"], ["b-leg"]])
        #expect(record(buffer, invite("other")) == .recorded)
        #expect(buffer.trace(for: "b-leg") == nil)
        #expect(record(buffer, invite("b-leg")) == .recorded)
        #expect(buffer.callIDs == ["b-leg"])
    }

    @Test func rtpIsKeptOnlyInItsWindow() {
        let buffer = CallTraceBuffer(limits: .init(maxRTPPacketsPerCall: 10, rtpWindowMicroseconds: 1_000_000))
        let rtp: [UInt8] = [0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]
        func send(_ millis: UInt64, _ id: String = "c") -> CallTraceBuffer.RecordOutcome {
            buffer.recordRTP(callID: id, direction: .outbound, packet: rtp, local: local, remote: remote, time: CallFixture.time(millis))
        }
        #expect(send(0, "unknown") == .unknownCall)
        #expect(record(buffer, invite("c")) == .recorded)
        #expect(send(500) == .recorded)
        #expect(send(1500) == .recorded)
        #expect(send(1501) == .callFull)
        #expect(buffer.trace(for: "c")?.rtpCount == 2)
    }

    @Test func concurrentRecordingKeepsTheBounds() async {
        let buffer = CallTraceBuffer(limits: .init(maxCalls: 50, maxMessagesPerCall: 5))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<200 {
                        let message = CallFixture.message("OPTIONS sip:a SIP/2.0", cseq: "1 OPTIONS", callID: "w\(worker)-\(index % 60)")
                        buffer.record(direction: .inbound, message: message, local: local, remote: remote, transport: .udp, time: CallFixture.time(UInt64(index)))
                    }
                }
            }
        }
        #expect(buffer.callIDs.count == 50)
        #expect(buffer.callIDs.allSatisfy { (buffer.trace(for: $0)?.messageCount ?? 0) <= 5 })
        #expect(buffer.byteCount == buffer.callIDs.compactMap { buffer.trace(for: $0)?.byteCount }.reduce(0, +))
    }

    @Test func slotsReusedAfterEvictionHoldOnlyTheirOwnCall() throws {
        let buffer = CallTraceBuffer(limits: .init(maxCalls: 2))
        for index in 1...6 {
            let id = "call-\(index)"
            #expect(record(buffer, invite(id, body: String(repeating: "x", count: index * 10)), at: UInt64(index)) == .recorded)
            buffer.associate("leg-\(index)", with: id)
            #expect(record(buffer, invite("leg-\(index)"), at: UInt64(index) + 1) == .recorded)
        }
        #expect(buffer.callIDs == ["call-5", "call-6"])
        #expect(buffer.trace(for: "leg-4") == nil)
        let trace = try #require(buffer.trace(for: "leg-6"))
        #expect(trace.callID == "call-6")
        #expect(trace.associatedCallIDs == ["leg-6"])
        #expect(trace.packets.map(\.payload) == [invite("call-6", body: String(repeating: "x", count: 60)), invite("leg-6")])
        #expect(trace.packets.map(\.time) == [CallFixture.time(6), CallFixture.time(7)])
        #expect(trace.packets.allSatisfy { $0.local == local && $0.remote == remote && !$0.isRTP })
        #expect(buffer.byteCount == trace.byteCount + (buffer.trace(for: "call-5")?.byteCount ?? 0))
    }
}
