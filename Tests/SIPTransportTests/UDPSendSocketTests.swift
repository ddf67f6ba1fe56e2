import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// UDP datagrams leave on a duplicate of the listener's socket from whichever loop sends them
/// (issue 6: the listener's loop no longer carries every send of every call).
@Suite struct UDPSendSocketTests {
    @Test func everyLoopSendsFromTheListenersPortAndTheCountersSeeIt() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let phone = try await RawUDPPeer.bind()
        let listener = harness.listener(.udp)
        let target = SIPTransportTarget(address: phone.channel.localAddress!, transport: .udp)
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKloops"))
        // From each loop of the group (one of them reads the listener), and from no loop at all.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        for loop in loops {
            try await loop.flatSubmit { harness.manager.send(request, to: target) }.get()
        }
        try await harness.manager.send(request, to: target)
        for _ in 0...loops.count {
            let datagram = try await phone.collector.datagrams.next("datagram")
            #expect(datagram.remoteAddress.port == listener.localAddress.port)
            #expect(String(buffer: datagram.data).hasPrefix("OPTIONS "))
        }
        #expect(harness.manager.counters.messagesSent == loops.count + 1)
        await phone.close()
        await harness.stop()
    }

    @Test func aRefusedDatagramIsAnErrorAndTheSocketStillSends() throws {
        let descriptor = try UDPSendSocket.bound(to: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        defer { _ = Glibc.close(descriptor) }
        let sender = try UDPSendSocket(duplicating: descriptor)
        #expect(sender.descriptor != descriptor)
        // An IPv6 destination on an IPv4 socket: the kernel refuses it (EAFNOSUPPORT/EINVAL).
        guard case .failed(let code) = sender.send(ByteBuffer(string: "x"), to: try SocketAddress(ipAddress: "::1", port: 9)) else {
            Issue.record("an IPv6 destination on an IPv4 socket was sent")
            return
        }
        #expect(code != 0)
        let peer = try UDPSendSocket.bound(to: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        defer { _ = Glibc.close(peer) }
        let peerAddress = try Self.localAddress(of: peer)
        #expect(sender.send(ByteBuffer(string: "hello"), to: peerAddress) == .sent)
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = recv(peer, &buffer, buffer.count, 0)
        #expect(count == 5)
    }

    @Test func bindingNeedsAnAddressOfTheMachineAndSharesAPortAsNIODoes() throws {
        let first = try UDPSendSocket.bound(to: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        defer { _ = Glibc.close(first) }
        // SO_REUSEADDR on both (as NIO binds): Linux lets a second UDP socket share the port, which
        // is why SIPTransportManager.bind probes a fixed port with a plain socket first.
        let port = try Self.localAddress(of: first).port!
        let second = try UDPSendSocket.bound(to: try SocketAddress(ipAddress: "127.0.0.1", port: port))
        _ = Glibc.close(second)
        #expect(throws: IOError.self) { _ = try UDPSendSocket.bound(to: try SocketAddress(ipAddress: "192.0.2.1", port: 0)) }
    }

    static func localAddress(of descriptor: CInt) throws -> SocketAddress {
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        return SocketAddress(storage, host: "127.0.0.1")
    }
}
