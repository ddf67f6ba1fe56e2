import NIOCore
import NIOPosix

// One UDP socket per event loop (`SIPTransportConfiguration.udpSocketPerLoop`): every socket of
// a listener is bound to the same address and port with SO_REUSEPORT, and a datagram leaves
// from the socket of the loop the sender runs on, so sending never hops between loops.

/// A bound listener: its address, its first socket and, for a UDP listener with one socket per
/// event loop, every socket (the first included).
struct BoundListener {
    var listener: SIPListener
    /// The first socket (the only one unless `perLoop` is filled).
    var channel: any Channel
    /// One socket per event loop, or empty.
    var perLoop: [any Channel] = []

    /// Every socket of the listener.
    var channels: [any Channel] { perLoop.isEmpty ? [channel] : perLoop }

    /// The socket to send from on the calling thread: the current loop's own one when there is
    /// one, else the first.
    var channelForCurrentLoop: any Channel {
        for candidate in perLoop where candidate.eventLoop.inEventLoop { return candidate }
        return channel
    }
}

extension SIPTransportManager {
    /// `SO_REUSEPORT` (Linux 3.9): several sockets bound to one address and port, each inbound
    /// flow hashed to one of them.
    static let soReusePort = NIOBSDSocket.Option(rawValue: 15)

    /// The group's event loops, in order.
    var eventLoops: [any EventLoop] { Array(group.makeIterator()) }

    /// Whether UDP listeners get one socket per event loop.
    var usesSocketPerLoop: Bool {
        #if os(Linux)
        return configuration.udpSocketPerLoop && eventLoops.count > 1
        #else
        return false
        #endif
    }

    /// Binds the further sockets of a UDP listener, one on each loop other than the first
    /// socket's, to the first socket's address and port (port 0 has become the real one). The
    /// result holds every socket, the first included; empty when there is one socket.
    func bindPerLoopSockets(for entry: BoundListener) async throws -> [any Channel] {
        guard entry.listener.transport == .udp, usesSocketPerLoop else { return [] }
        let first = entry.channel
        var channels: [any Channel] = [first]
        do {
            for loop in eventLoops where loop !== first.eventLoop {
                channels.append(try await datagramBootstrap(on: loop, reusePort: true).bind(to: entry.listener.localAddress).get())
            }
        } catch {
            for channel in channels.dropFirst() { try? await channel.close() }
            throw error
        }
        return channels
    }
}
