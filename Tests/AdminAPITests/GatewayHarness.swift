import AdminAPI
import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPCore
@testable import Gateway

/// A real `GatewayService` on ephemeral ports (UDP SIP and the admin API) in a temporary
/// directory, run as in `gatehouse run` but without taking over signals.
struct GatewayHarness {
    static let passwordVariable = "GATEHOUSE_ADMIN_TEST_PASSWORD"
    static let password = "admin-test-secret"
    static let token = "admin-test-token"

    let directory: String
    let service: GatewayService
    let sip: SocketAddress
    let admin: AdminClient
    let adminListening: GatewayService.AdminListening
    let task: Task<Void, any Error>

    /// Starts the gateway; `prepare` runs before it starts (attach a call layer there).
    static func start(drainSeconds: Int = 1, extraConfiguration: String = "",
                      prepare: (GatewayService) -> Void = { _ in }) async throws -> GatewayHarness {
        setenv(passwordVariable, password, 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(passwordVariable) }
            trunks:
              carrier:
                server: 192.0.2.1
                transport: udp
                allow: [192.0.2.1]
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            data_directory: \(directory)/data
            admin: { address: 127.0.0.1, port: 0, token: \(token) }
            dial_plan: \(directory)/plan.yaml
            registrar: { realm: admin-test, digest: [md5] }
            shutdown: { drain_seconds: \(drainSeconds) }
            \(extraConfiguration)
            """, file: "test.yaml")
        var logger = Logger(label: "admin-test")
        logger.logLevel = .warning
        let service = try GatewayService(configuration: configuration, logger: logger)
        prepare(service)
        let (sipStream, sipContinuation) = AsyncStream.makeStream(of: SocketAddress.self)
        let (adminStream, adminContinuation) = AsyncStream.makeStream(of: GatewayService.AdminListening.self)
        let task = Task {
            defer {
                sipContinuation.finish()
                adminContinuation.finish()
            }
            try await service.run(handleSignals: false) { listeners in
                if let first = listeners.first { sipContinuation.yield(first.localAddress) }
            } onAdminListening: { adminContinuation.yield($0) }
        }
        var sipIterator = sipStream.makeAsyncIterator()
        var adminIterator = adminStream.makeAsyncIterator()
        guard let sip = await sipIterator.next(), let admin = await adminIterator.next(), let port = admin.address.port else {
            try await task.value
            throw HarnessError.didNotStart
        }
        return GatewayHarness(directory: directory, service: service, sip: sip,
                              admin: AdminClient(host: "127.0.0.1", port: port, token: token),
                              adminListening: admin, task: task)
    }

    enum HarnessError: Error { case didNotStart, noAnswer }

    /// Shuts down as SIGTERM would and waits for `run` to return.
    func stop() async throws {
        await service.requestShutdown()
        try await task.value
    }

    /// GETs `path` and decodes the JSON answer.
    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let response = try await admin.send(.get, path)
        return try AdminJSON.decoder.decode(T.self, from: Data(response.body))
    }

    /// Sends one SIP request over UDP from a fresh socket and returns the first answer.
    /// `request` gets the socket's port for its Via and Contact.
    func exchange(_ request: (Int) -> String) async throws -> SIPMessage {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let port = channel.channel.localAddress?.port ?? 0
        let target = sip
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(string: request(port))))
            return try await Self.withTimeout(.seconds(5)) {
                for try await envelope in inbound { return try SIPParser().parse(envelope.data) }
                throw HarnessError.noAnswer
            }
        }
    }

    /// `body`'s result, or `HarnessError.noAnswer` after `limit` (a broken gateway fails, never hangs).
    static func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask(operation: body)
            group.addTask {
                try await Task.sleep(for: limit)
                throw HarnessError.noAnswer
            }
            defer { group.cancelAll() }
            guard let value = try await group.next() else { throw HarnessError.noAnswer }
            return value
        }
    }

    /// A REGISTER for alice from `port`.
    static func register(port: Int, callID: String, cseq: Int, authorization: String? = nil) -> String {
        var lines = [
            "REGISTER sip:127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:\(port);branch=z9hG4bK-admin-\(cseq)",
            "Max-Forwards: 70", "From: <sip:alice@127.0.0.1>;tag=a1", "To: <sip:alice@127.0.0.1>",
            "Call-ID: \(callID)", "CSeq: \(cseq) REGISTER", "Expires: 600", "Contact: <sip:alice@127.0.0.1:\(port)>",
        ]
        if let authorization { lines.append("Authorization: \(authorization)") }
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }
}
