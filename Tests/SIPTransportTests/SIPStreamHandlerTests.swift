import NIOCore
import NIOEmbedded
import SIPCore
import Testing

@testable import SIPTransport

/// The stream handler in memory: framing under every chunking, keep-alives, and what a bad
/// message does to its connection.
@Suite struct SIPStreamHandlerTests {
    let peer = try! SocketAddress(ipAddress: "192.0.2.10", port: 40_000)

    private func makeChannel(limits: SIPParseLimits = .default) throws -> (EmbeddedChannel, Mailbox<SIPInboundMessage>, SIPTransportManager) {
        let inbound = Mailbox<SIPInboundMessage>()
        let loop = EmbeddedEventLoop()
        let manager = try SIPTransportManager(configuration: SIPTransportConfiguration(listeners: []), group: loop) { inbound.put($0) }
        let handler = SIPStreamHandler(
            manager: manager, id: SIPConnectionID(rawValue: 1), transport: .tcp, isInbound: true, limits: limits)
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: peer).wait()
        return (channel, inbound, manager)
    }

    private func outbound(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test(arguments: [1, 2, 3, 7, 64, 100_000])
    func framesUnderEveryChunking(chunkSize: Int) throws {
        let (channel, inbound, manager) = try makeChannel()
        let body = "v=0\r\ns=-\r\n"
        let stream = Messages.options(via: "SIP/2.0/TCP 10.0.0.1;rport;branch=z9hG4bKc1", cseq: 1, body: body)
            + "\r\n\r\n"
            + Messages.options(via: "SIP/2.0/TCP 192.0.2.10:40000;branch=z9hG4bKc2", cseq: 2)
        let bytes = Array(stream.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSize)
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        }
        let messages = inbound.drain()
        #expect(messages.map(\.message.topViaBranch) == ["z9hG4bKc1", "z9hG4bKc2"])
        #expect(messages.first?.message.bodyString == body)
        let first = try #require(try messages.first?.message.topVia)
        #expect(first.received == "192.0.2.10")
        #expect(first.rport == .port(40_000))
        // The second one's sent-by equals the source and has no rport: left alone.
        #expect(try messages.last?.message.topVia?.received == nil)
        #expect(messages.first?.context.connection == SIPConnectionID(rawValue: 1))
        #expect(try outbound(channel) == "\r\n")
        #expect(manager.counters.keepAlivePingsAnswered == 1)
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func messageMissingAHeaderIsAnswered400AndTheConnectionStays() throws {
        let (channel, inbound, manager) = try makeChannel()
        let broken = Messages.options(via: "SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKnocallid", callID: "x")
            .replacingOccurrences(of: "Call-ID: x\r\n", with: "")
        try channel.writeInbound(ByteBuffer(string: broken))
        #expect(try outbound(channel).hasPrefix("SIP/2.0 400 Bad Request (missing Call-ID)\r\n"))
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: Messages.options(via: "SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKafter")))
        #expect(inbound.drain().map(\.message.topViaBranch) == ["z9hG4bKafter"])
        #expect(manager.counters.errorResponsesSent == 1)
        _ = try channel.finish()
    }

    @Test func unreadableTopViaIsAnswered400() throws {
        let (channel, inbound, _) = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: Messages.options(via: "SIP/2.0/TCP ;branch=z9hG4bKbadvia")))
        #expect(try outbound(channel).hasPrefix("SIP/2.0 400 Bad Request (malformed Via"))
        #expect(inbound.count == 0)
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func garbageClosesTheConnection() throws {
        let (channel, inbound, manager) = try makeChannel()
        #expect(manager.connectionCount == 1)
        try channel.writeInbound(ByteBuffer(string: "\u{1}\u{2} HELLO\r\n\r\n"))
        #expect(!channel.isActive)
        #expect(inbound.count == 0)
        #expect(manager.counters.connectionsClosedForErrors == 1)
        #expect(manager.connectionCount == 0)
    }

    @Test func oversizedMessageIsAnsweredThenClosed() throws {
        var limits = SIPParseLimits.default
        limits.maxBodySize = 10
        let (channel, _, manager) = try makeChannel(limits: limits)
        let big = Messages.options(via: "SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKbig", body: String(repeating: "x", count: 50))
        try channel.writeInbound(ByteBuffer(string: big))
        #expect(try outbound(channel).hasPrefix("SIP/2.0 413 "))
        #expect(!channel.isActive)
        #expect(manager.counters.connectionsClosedForErrors == 1)
    }
}
