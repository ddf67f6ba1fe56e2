import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// sd_notify(3) without libsystemd: one datagram of `KEY=VALUE` lines to the Unix socket systemd
/// names in `$NOTIFY_SOCKET` (`Type=notify` units). `READY=1` once the listeners and the admin API
/// are up, `STOPPING=1` when a shutdown starts, `STATUS=` free text for `systemctl status`.
public struct SystemdNotifier: Sendable {
    /// The socket path; a leading `@` names an abstract socket (Linux).
    public let path: String

    /// The notifier for `$NOTIFY_SOCKET`, or nil when not started by systemd with `Type=notify`.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        self.init(path: path)
    }

    public init(path: String) {
        self.path = path
    }

    /// Sends `state` (newline-separated assignments); false when the socket cannot be reached.
    @discardableResult
    public func send(_ state: String) -> Bool {
        var pathBytes = Array(path.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else { return false }
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        // An abstract name's length is exact (no terminating NUL counts).
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1))
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
        return sent == payload.count
    }
}
