import Foundation
import Logging
import SIPSecurity
import Testing
@testable import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// The running gateway applies the security policy before the stack: over a real UDP socket, a
/// scanner User-Agent gets no answer while the same request from another client is answered, and
/// a banned source (a ban made through ``SecurityAdministration``) gets nothing until it is lifted.
@Suite(.serialized) struct GatewaySecurityWiringTests {
    /// One OPTIONS from a socket bound to 127.0.0.1 and any port; the first line of the answer, or nil.
    static func options(to port: Int, userAgent: String, wait: Int = 700) throws -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        try #require(withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0)
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let ourPort = Int(UInt16(bigEndian: bound.sin_port))
        let tag = UInt32.random(in: 1...UInt32.max)
        let request = "OPTIONS sip:101@127.0.0.1:\(port) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(ourPort);branch=z9hG4bK-w\(tag);rport\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=\(tag)\r\nTo: <sip:101@127.0.0.1>\r\nCall-ID: wiring-\(tag)\r\n"
            + "CSeq: 1 OPTIONS\r\nUser-Agent: \(userAgent)\r\nContent-Length: 0\r\n\r\n"
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        target.sin_port = UInt16(port).bigEndian
        let bytes = Array(request.utf8)
        _ = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(wait)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self).components(separatedBy: "\r\n").first
    }

    @Test func scannersAndBannedSourcesGetNoAnswer() async throws {
        let directory = try temporaryPlanDirectory("wiring", plan: """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: GATEHOUSE_WIRING_UNUSED }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            data_directory: \(directory)/data
            dial_plan: \(directory)/plan.yaml
            """, file: "test.yaml")
        let service = try GatewayService(configuration: configuration, logger: Logger(label: "test"))
        let listeners = try await service.start()
        let port = try #require(listeners.first?.port)

        #expect(try Self.options(to: port, userAgent: "friendly-scanner") == nil)
        #expect(try Self.options(to: port, userAgent: "Linphone/5.2") == "SIP/2.0 200 OK")
        #expect(try service.security.ban("127.0.0.1", for: .seconds(60)) != nil)
        #expect(try Self.options(to: port, userAgent: "Linphone/5.2") == nil)
        #expect(try service.security.liftBan("127.0.0.1"))
        #expect(try Self.options(to: port, userAgent: "Linphone/5.2", wait: 2000) == "SIP/2.0 200 OK")
        let counters = service.security.counters()
        #expect(counters.dropped == [.scanner: 1, .banned: 1])
        await service.shutdown()
    }
}
