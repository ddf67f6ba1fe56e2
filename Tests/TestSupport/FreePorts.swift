#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Per-test UDP port ranges. Tests never bind fixed ports: an ephemeral port of any process, a
/// gateway started by an interop script or the same test running in another checkout may hold
/// them. A range comes from here instead: each of its ports was free when it was handed out.
///
/// The ranges come from above the kernel's ephemeral range (61000-65535 by default on Linux),
/// where no socket bound to port 0 can take a port between the check and the test's own bind,
/// and which the interop scripts leave alone (their per-run blocks lie in 12000-59999). A process
/// walks the band from a random start, so ranges of one run do not overlap until it wraps
/// around, and runs in other checkouts usually start elsewhere; a busy port is skipped.
public enum FreePorts {
    /// Errors of this helper (the machine, not the code under test, is short of ports).
    public enum Failure: Error, Equatable {
        /// No run of `count` free ports was found in one walk of the band.
        case noFreeRange(count: Int)
    }

    /// The ports ranges are drawn from: above the ephemeral range when it leaves room there,
    /// else between 10000 and its start.
    static let band: ClosedRange<Int> = {
        var ephemeral = 32_768...60_999
        if let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
            if fields.count == 2, fields[0] <= fields[1] { ephemeral = fields[0]...fields[1] }
        }
        if ephemeral.upperBound <= 64_535 { return (ephemeral.upperBound + 1)...65_535 }
        return 10_000...max(10_999, ephemeral.lowerBound - 1)
    }()

    /// The next even port to try (the walk's cursor), from a random start in the band.
    private static let cursor = Mutex(Int.random(in: (band.lowerBound + 1) / 2...band.upperBound / 2) * 2)

    /// Whether a UDP socket can bind `port` on `host` (IPv4, dotted) right now; false when
    /// someone holds it. `0.0.0.0` is the strictest probe: it fails when any address holds the port.
    public static func canBind(_ port: Int, host: String = "127.0.0.1") -> Bool {
        guard let fd = bound(port, host: host) else { return false }
        close(fd)
        return true
    }

    /// `count` consecutive UDP ports starting at an even port (RTP/RTCP pairs), each free on
    /// every address when handed out, the next such run after the previous one handed out in this
    /// process. Throws `Failure.noFreeRange` when a whole walk of the band finds none.
    public static func range(count: Int) throws -> ClosedRange<Int> {
        let span = max(count, 1)
        return try cursor.withLock { next throws(Failure) -> ClosedRange<Int> in
            var tried = 0
            while tried < band.count {
                if next + span - 1 > band.upperBound { next = (band.lowerBound + 1) / 2 * 2 }
                let ports = next...(next + span - 1)
                let busy = firstBusy(ports)
                // Past the run, or past the busy port (kept even); either way forward.
                let step = busy.map { ($0 - next) / 2 * 2 + 2 } ?? span + span % 2
                next += step
                tried += step
                if busy == nil { return ports }
            }
            throw .noFreeRange(count: span)
        }
    }

    /// Binds every port of `ports` on the wildcard address at once, then releases them all:
    /// nil when all bound, else the first port that did not.
    private static func firstBusy(_ ports: ClosedRange<Int>) -> Int? {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        for port in ports {
            guard let fd = bound(port, host: "0.0.0.0") else { return port }
            descriptors.append(fd)
        }
        return nil
    }

    /// A UDP socket bound to `host`:`port`, or nil when the bind fails.
    private static func bound(_ port: Int, host: String) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
