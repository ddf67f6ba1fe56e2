import CallRecords
import DialPlan
import Foundation
import Logging
import NIOCore
import NIOPosix
import OperatorInput
import Registrar
import SIPStack
import SIPTransport

/// The running gateway (the composition root): the dial plan, the binding store, the SIP
/// listeners and stack, and the registrar on top. `gatehouse run` builds one and calls ``run(onListening:)``.
///
/// Signals: SIGHUP (and a change of the dial-plan file, polled every 2 s) reloads the dial plan;
/// SIGTERM and SIGINT shut down (listeners closed, event loops stopped, the store closed when the service is released). Plain Dispatch signal sources,
/// no swift-service-lifecycle.
@available(macOS 15.0, *)
public final class GatewayService: Sendable {
    /// Why the service could not start.
    public enum StartError: Error, CustomStringConvertible {
        /// The dial plan has errors (each with file:line:column).
        case dialPlan(InputErrors)
        /// The data directory or the binding store could not be opened.
        case store(path: String, underlying: any Error)
        /// A listener could not be bound.
        case listen(any Error)

        public var description: String {
            switch self {
            case .dialPlan(let errors): errors.description
            case .store(let path, let error): "cannot open the binding store in \(path): \(error)"
            case .listen(let error): "cannot listen: \(error)"
            }
        }
    }

    public let configuration: GatewayConfiguration
    public let dialPlans: DialPlanStore
    public let registrar: RegistrarService
    /// Trunk registration and OPTIONS probing; its health query is for the call layer.
    public let trunks: TrunkService
    /// Keep-alive and presence probing of registered contacts; its reachability query is for the call layer.
    public let presence: ContactProbeService
    /// Call detail records (`calls.sqlite` in the data directory); calls a crash left open are
    /// closed as interrupted when the service is created.
    public let callRecords: any CallRecordStore
    let group: MultiThreadedEventLoopGroup
    let transport: SIPTransportManager
    let stack: SIPStack
    let logger: Logger

    /// Loads the dial plan, opens the binding store and prepares (does not bind) the listeners.
    public init(configuration: GatewayConfiguration, logger: Logger) throws(StartError) {
        self.configuration = configuration
        self.logger = logger
        do { dialPlans = try DialPlanStore(path: configuration.dialPlan) } catch { throw .dialPlan(error) }
        let store: SQLiteBindingStore
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            store = try SQLiteBindingStore(dataDirectory: configuration.dataDirectory, durable: configuration.durableBindings)
        } catch {
            throw .store(path: configuration.dataDirectory, underlying: error)
        }
        do {
            let records = try SQLiteCallRecordStore(dataDirectory: configuration.dataDirectory)
            let interrupted = try records.closeInterrupted(at: Date())
            if interrupted > 0 { logger.warning("calls open at the last stop closed as interrupted", metadata: ["calls": "\(interrupted)"]) }
            callRecords = records
        } catch {
            throw .store(path: configuration.dataDirectory, underlying: error)
        }
        let algorithms: [DigestHash] = configuration.digestAlgorithms.map { $0 == .md5 ? .md5 : .sha256 }
        let hosts = Set(configuration.listeners.map(\.address))
        let options = OptionsResponder()
        registrar = RegistrarService(dialPlans: dialPlans, store: store, realm: configuration.realm,
                                     algorithms: algorithms,
                                     registrar: Registrar(policy: .init(minExpires: configuration.minimumExpires,
                                                                         domains: Set(configuration.registrarDomains))),
                                     options: options, logger: logger)
        let listeners = configuration.listeners.map { listener in
            SIPListenerConfiguration(transport: Self.transport(listener.transport), host: listener.address, port: listener.port)
        }
        // sent-by is only used in requests we send (none yet): the configured address and port.
        var sentBy: [SIPTransportProtocol: String] = [:]
        for listener in configuration.listeners { sentBy[Self.transport(listener.transport)] = "\(listener.address):\(listener.port)" }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        self.group = group
        let stackConfiguration = SIPStackConfiguration(sentBy: sentBy, localHosts: hosts, options: options)
        var created: SIPTransportManager?
        do {
            stack = try SIPStack(group: group, configuration: stackConfiguration, user: registrar.user) { inbound in
                let manager = try SIPTransportManager(configuration: SIPTransportConfiguration(listeners: listeners),
                                                      group: group, logger: logger, onInbound: inbound)
                created = manager
                return manager
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw .listen(error)
        }
        // The closure above always runs once, synchronously, in SIPStack.init.
        guard let created else { preconditionFailure("SIPStack did not create its transport") }
        transport = created
        let resolver = RFC3263Resolver(lookup: CachingDNSLookup(SystemDNSLookup()))
        trunks = TrunkService(dialPlans: dialPlans, signaling: StackTrunkSignaling(stack: stack, resolver: resolver), logger: logger)
        presence = ContactProbeService(
            store: store, dialPlans: dialPlans, prober: StackContactProber(stack: stack),
            settings: .init(interval: configuration.contactProbeInterval ?? .seconds(30), missesToDown: configuration.contactProbeMisses),
            logger: logger)
    }

    static func transport(_ transport: GatewayConfiguration.Listener.Transport) -> SIPTransportProtocol {
        switch transport {
        case .udp: .udp
        case .tcp: .tcp
        case .tls: .tls
        }
    }

    /// Binds every listener; returns them with their real ports (port 0 in the configuration
    /// binds an ephemeral one).
    public func start() async throws(StartError) -> [SIPListener] {
        do { return try await transport.start() } catch { throw .listen(error) }
    }

    /// Reloads the dial plan and logs what changed (or why the running version stays).
    @discardableResult
    public func reloadDialPlan() -> DialPlanStore.ReloadOutcome {
        let outcome = dialPlans.reload()
        for line in outcome.logLines { logger.notice("\(line)") }
        return outcome
    }

    /// Closes the listeners and stops the event loops.
    public func shutdown() async {
        await transport.shutdown()
        try? await group.shutdownGracefully()
    }

    /// Starts, reports the bound listeners, then serves until SIGTERM or SIGINT; SIGHUP reloads
    /// the dial plan meanwhile.
    public func run(onListening: ([SIPListener]) -> Void) async throws(StartError) {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let hooks = [SIGTERM, SIGINT].map { number in SignalHook(signal: number) { continuation.yield(number) } }
        let hangup = DialPlanWatcher.onHangup { [self] in
            logger.notice("SIGHUP: reloading the dial plan")
            reloadDialPlan()
        }
        let listeners: [SIPListener]
        do { listeners = try await start() } catch {
            await shutdown()
            throw error
        }
        logger.notice("gatehouse \(GatewayVersion.current) started", metadata: [
            "dialPlanVersion": "\(dialPlans.current.number)", "endpoints": "\(dialPlans.current.plan.endpoints.count)"])
        onListening(listeners)
        // The dial plan also reloads when its file changes (DIALPLAN.md: "on SIGHUP and on file
        // change"); an invalid edit is logged and the running version stays.
        let watcher = Task { [self] in
            await DialPlanWatcher(store: dialPlans).run { outcome in
                for line in outcome.logLines { logger.notice("\(line)") }
            }
        }
        let trunkTask = Task { [trunks] in await trunks.run() }
        let probeTask = Task { [presence, configuration] in
            if configuration.contactProbeInterval != nil { await presence.run() }
        }
        var received: Int32 = 0
        for await number in signals {
            received = number
            break
        }
        logger.notice("signal \(received): shutting down")
        watcher.cancel()
        trunkTask.cancel()
        probeTask.cancel()
        hangup.cancel()
        hooks.forEach { $0.cancel() }
        await shutdown()
        logger.notice("stopped")
    }
}
