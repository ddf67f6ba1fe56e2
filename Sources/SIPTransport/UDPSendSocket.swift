#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A duplicate of a UDP listener's socket, for sending datagrams from any event loop without a
/// hop to the loop that reads the listener (issue 6: that one loop sent every datagram of
/// every call and saturated first). `sendto` on one UDP socket from several threads is safe:
/// the kernel sends each datagram whole. The duplicate keeps the socket open while a sender
/// still holds this object, whatever NIO's channel does with its own descriptor.
final class UDPSendSocket: Sendable {
    /// The duplicated descriptor (close-on-exec; non-blocking like the listener's, the flag
    /// belongs to the shared open file).
    let descriptor: CInt

    /// What one send did.
    enum Outcome: Equatable {
        case sent
        /// The socket's send buffer is full (EAGAIN): send through the channel, which waits.
        case wouldBlock
        /// The kernel refused the datagram (errno).
        case failed(CInt)
    }

    /// Duplicates `socket`; throws when the process is out of descriptors.
    init(duplicating socket: CInt) throws {
        let copy = fcntl(socket, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw IOError(errnoCode: errno, reason: "dup of a UDP listener socket") }
        descriptor = copy
    }

    deinit { close(descriptor) }

    /// Sends `bytes` to `address` as one datagram, never blocking.
    func send(_ bytes: ByteBuffer, to address: SocketAddress) -> Outcome {
        let result = bytes.withUnsafeReadableBytes { payload in
            address.withSockAddr { socketAddress, length in
                sendto(descriptor, payload.baseAddress, payload.count, CInt(MSG_DONTWAIT), socketAddress, socklen_t(length))
            }
        }
        if result >= 0 { return .sent }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? .wouldBlock : .failed(code)
    }

    /// A UDP socket bound to `address` with SO_REUSEADDR, as NIO's `DatagramBootstrap.bind`
    /// makes it, for `withBoundSocket` (so the gateway holds the descriptor it sends on).
    static func bound(to address: SocketAddress) throws -> CInt {
        let fd = socket(CInt(address.protocol.rawValue), CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: CInt = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            let code = errno
            close(fd)
            throw IOError(errnoCode: code, reason: "setsockopt(SO_REUSEADDR)")
        }
        let status = address.withSockAddr { bind(fd, $0, socklen_t($1)) }
        guard status == 0 else {
            let code = errno
            close(fd)
            throw IOError(errnoCode: code, reason: "bind(\(address))")
        }
        return fd
    }
}
