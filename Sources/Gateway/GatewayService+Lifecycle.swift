import AdminAPI
import Logging
import NIOCore
import ServiceLifecycle
import SIPTransport

@available(macOS 15.0, *)
extension GatewayService {
    /// Where the admin API listens and where its token came from (for `gatehouse run` to print).
    public struct AdminListening: Sendable {
        public var address: SocketAddress
        public var tokenOrigin: AdminToken.Origin
    }

    /// Binds the SIP listeners, then runs every long-running part as a swift-service-lifecycle
    /// `Service` in one `ServiceGroup` until SIGTERM or SIGINT (or ``requestShutdown()``).
    ///
    /// Start order: HEP3 export (when configured), SIP listeners and stack, dial-plan reload
    /// (SIGHUP, file change), trunk registration and probing, contact probing, ban expiry, admin
    /// API, call drain. Shutdown runs in reverse: the call layer drains first (no new calls, up to
    /// `shutdown.drain_seconds`, then the rest ended), the admin API stops, the watcher stops,
    /// the SIP listeners close, and the HEP3 export sends what is queued.
    ///
    /// - Parameter handleSignals: whether SIGTERM/SIGINT/SIGHUP are taken over (`false` in tests).
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable ([SIPListener]) -> Void,
                    onAdminListening: @escaping @Sendable (AdminListening) -> Void = { _ in }) async throws(StartError) {
        let token: (token: String, origin: AdminToken.Origin)
        do { token = try AdminToken.resolve(configured: configuration.adminToken, dataDirectory: configuration.dataDirectory) } catch {
            await shutdown()
            throw .admin(error.description)
        }
        let listeners: [SIPListener]
        do { listeners = try await start() } catch {
            await shutdown()
            throw error
        }
        logger.notice("gatehouse \(GatewayVersion.current) started", metadata: [
            "dialPlanVersion": "\(dialPlans.current.number)", "endpoints": "\(dialPlans.current.plan.endpoints.count)"])
        onListening(listeners)
        if !Self.isLoopback(configuration.adminAddress) {
            logger.warning("the admin API listens on \(configuration.adminAddress) in plain HTTP: keep it on a management network or behind a TLS proxy")
        }
        let admin = AdminServer.application(
            host: configuration.adminAddress, port: configuration.adminPort, source: self, token: token.token,
            logger: logger, onListening: { [runtime] address in
                onAdminListening(AdminListening(address: address, tokenOrigin: token.origin))
                let sip = listeners.map { "\($0.transport.rawValue.lowercased()) \($0.localAddress.ipAddress ?? "?"):\($0.port)" }
                runtime.systemd?.send("READY=1\nSTATUS=SIP on \(sip.joined(separator: ", ")); admin on \(address.ipAddress ?? "?"):\(address.port ?? 0)")
            })
        let hep: [ServiceGroupConfiguration.ServiceConfiguration] = runtime.hep.map {
            [.init(service: HEPExportService(exporter: $0, logger: logger))]
        } ?? []
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = hep + [
            .init(service: SIPService(gateway: self)),
            .init(service: DialPlanReloadService(gateway: self, handlesHangup: handleSignals)),
            .init(service: LoopService(description: "TrunkService") { [trunks] in await trunks.run(unregisterWithin: .seconds(3)) }),
            .init(service: LoopService(description: "ContactProbeService") { [presence, configuration] in
                if configuration.contactProbeInterval != nil { await presence.run() }
            }),
            .init(service: LoopService(description: "BanExpiry") { [security] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(60))
                    security.removeExpired()
                }
            }),
            .init(service: admin, serviceName: "AdminAPI"),
            .init(service: CallDrainService(gateway: self, drainTime: configuration.drainTime)),
        ]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger)
        // A drain that overruns its time (a stuck call layer) is cancelled, not waited for forever.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainTime + .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        if runtime.running(group) { await group.triggerGracefulShutdown() }
        defer { _ = runtime.running(nil) }
        do { try await group.run() } catch {
            // The services stopped the listeners on their way out.
            throw .service(String(describing: error))
        }
        logger.notice("stopped")
    }

    /// Whether `host` is a loopback address (where plain HTTP with a token is fine).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Shuts the running service down gracefully, as SIGTERM does.
    public func requestShutdown() async {
        await runtime.requestShutdown()
    }

    /// Plugs in the call layer: its calls show in the admin API and it is drained on shutdown.
    public func attach(calls: any CallLayer) {
        runtime.calls.attach(calls)
    }
}
