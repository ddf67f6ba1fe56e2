import NIOCore
import NIOPosix
import Testing

@testable import SIPTransport

/// The receive-queue fill the UDP listener stamps on each message (the overload guard's signal
/// that the reading loop is falling behind): read from the kernel with `SO_MEMINFO`.
@Suite(.timeLimit(.minutes(1))) struct ReceiveBacklogTests {
    @Test func queuedDatagramsShowInTheFill() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // A socket nobody reads (autoRead off): what is sent to it stays in the kernel queue.
        let idle = try await DatagramBootstrap(group: group).channelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
        let sender = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        defer {
            idle.close(promise: nil)
            sender.close(promise: nil)
        }
        let empty = try await idle.eventLoop.submit { SIPDatagramHandler.receiveQueueFill(of: idle) }.get()
        #expect(empty == 0)
        let address = try #require(idle.localAddress)
        for _ in 0..<20 {
            let buffer = sender.allocator.buffer(bytes: Array(repeating: UInt8(ascii: "x"), count: 1000))
            try await sender.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer)).get()
        }
        var fill = 0.0
        for _ in 0..<50 where fill == 0 {
            fill = try await idle.eventLoop.submit { SIPDatagramHandler.receiveQueueFill(of: idle) }.get()
            if fill == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #if os(Linux)
        // 20 datagrams of 1000 bytes (each charged with its buffer overhead) in a buffer of a
        // few hundred kilobytes: clearly above zero, clearly not full.
        #expect(fill > 0.02 && fill < 1, "fill \(fill)")
        #else
        #expect(fill == 0)
        #endif
    }
}
