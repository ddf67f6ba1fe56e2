import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// A thread-safe queue that tests poll with a deadline.
final class Mailbox<Item: Sendable>: Sendable {
    private let items = NIOLockedValueBox<[Item]>([])
    private let closed = NIOLockedValueBox(false)

    func put(_ item: Item) { items.withLockedValue { $0.append(item) } }

    /// Takes every item queued so far.
    func drain() -> [Item] {
        items.withLockedValue { items in
            defer { items.removeAll() }
            return items
        }
    }
    func close() { closed.withLockedValue { $0 = true } }
    var isClosed: Bool { closed.withLockedValue { $0 } }
    var count: Int { items.withLockedValue { $0.count } }

    /// The next item, waiting up to `seconds`.
    func next(_ what: String = "item", seconds: Double = 5) async throws -> Item {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while ContinuousClock.now < deadline {
            if let item = items.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) { return item }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestTimeout(what: what)
    }

    /// Waits until `condition` holds for the closed flag, up to `seconds`.
    func waitUntilClosed(seconds: Double = 5) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while ContinuousClock.now < deadline {
            if isClosed { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return isClosed
    }
}

/// A transport manager with its inbound messages collected.
struct Harness {
    let manager: SIPTransportManager
    let inbound: Mailbox<SIPInboundMessage>
    /// For each inbound message: whether the callback ran on the context's event loop.
    let calledOnReceivingLoop: Mailbox<Bool>
    let listeners: [SIPListener]

    static func start(_ configuration: SIPTransportConfiguration) async throws -> Harness {
        let inbound = Mailbox<SIPInboundMessage>()
        let onLoop = Mailbox<Bool>()
        let manager = try SIPTransportManager(
            configuration: configuration, group: MultiThreadedEventLoopGroup.singleton
        ) { message in
            onLoop.put(message.context.eventLoop.inEventLoop)
            inbound.put(message)
        }
        let listeners = try await manager.start()
        return Harness(manager: manager, inbound: inbound, calledOnReceivingLoop: onLoop, listeners: listeners)
    }

    func listener(_ transport: SIPTransportProtocol, ipv6: Bool = false) -> SIPListener {
        listeners.first { $0.transport == transport && ($0.localAddress.protocol == .inet6) == ipv6 }!
    }

    func stop() async { await manager.shutdown() }
}

/// Forwards what a raw socket receives into mailboxes.
final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let bytes = Mailbox<[UInt8]>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytes.put(Array(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        bytes.close()
        context.fireChannelInactive()
    }
}

final class DatagramCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let datagrams = Mailbox<AddressedEnvelope<ByteBuffer>>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        datagrams.put(unwrapInboundIn(data))
    }
}

/// A plain UDP peer (a phone) that sends and receives raw datagrams.
struct RawUDPPeer {
    let channel: any Channel
    let collector: DatagramCollector

    static func bind(host: String = "127.0.0.1") async throws -> RawUDPPeer {
        let collector = DatagramCollector()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .bind(host: host, port: 0).get()
        return RawUDPPeer(channel: channel, collector: collector)
    }

    var port: Int { channel.localAddress!.port! }

    func send(_ text: String, to address: SocketAddress) async throws {
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(string: text)))
    }

    func receive(seconds: Double = 5) async throws -> String {
        let envelope = try await collector.datagrams.next("datagram", seconds: seconds)
        return String(buffer: envelope.data)
    }

    func close() async { try? await channel.close() }
}

/// A plain TCP peer that writes raw bytes and reads what comes back.
final class RawTCPPeer: Sendable {
    let channel: any Channel
    let collector: Collector
    private let received = NIOLockedValueBox<[UInt8]>([])

    init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(to address: SocketAddress) async throws -> RawTCPPeer {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: address).get()
        return RawTCPPeer(channel: channel, collector: collector)
    }

    var localAddress: SocketAddress { channel.localAddress! }

    func write(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    func write(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Reads until the text received so far satisfies `done`; returns all of it and forgets it.
    func read(until done: (String) -> Bool, seconds: Double = 5) async throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while true {
            let text = received.withLockedValue { String(decoding: $0, as: UTF8.self) }
            if done(text) {
                received.withLockedValue { $0.removeAll() }
                return text
            }
            guard ContinuousClock.now < deadline else { throw TestTimeout(what: "TCP bytes; have \(text.debugDescription)") }
            let remaining = Double((deadline - ContinuousClock.now).components.seconds) + 0.05
            let chunk = try await collector.bytes.next("TCP bytes", seconds: max(0.05, remaining))
            received.withLockedValue { $0.append(contentsOf: chunk) }
        }
    }

    /// Reads one whole message without body.
    func readMessage(seconds: Double = 5) async throws -> String {
        try await read(until: { $0.contains("\r\n\r\n") }, seconds: seconds)
    }

    func close() async { try? await channel.close() }
}

/// Builds request text for tests.
enum Messages {
    static func options(
        via: String, callID: String = "call-\(UInt32.random(in: 0...UInt32.max))@test", cseq: Int = 1,
        uri: String = "sip:gatehouse@127.0.0.1", extra: String = "", body: String = ""
    ) -> String {
        "OPTIONS \(uri) SIP/2.0\r\n"
            + "Via: \(via)\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:alice@example.com>;tag=a1\r\n"
            + "To: <sip:gatehouse@example.com>\r\n"
            + "Call-ID: \(callID)\r\n"
            + "CSeq: \(cseq) OPTIONS\r\n"
            + extra
            + "Content-Length: \(body.utf8.count)\r\n\r\n"
            + body
    }

    static func parse(_ text: String) throws -> SIPMessage { try SIPParser().parse(text) }
}

/// True when ::1 can be bound on this machine.
let ipv6LoopbackAvailable: Bool = {
    guard let channel = try? DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: 0).wait()
    else { return false }
    try? channel.close().wait()
    return true
}()
