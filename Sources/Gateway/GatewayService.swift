import CallRecords
import DialPlan
import Foundation
import Logging
import MediaRelay
import NIOCore
import NIOPosix
import OperatorInput
import Registrar
import SIPSecurity
import SIPStack
import SIPTransport

/// The running gateway (the composition root): the dial plan, the binding store, the SIP
/// listeners and stack, and the registrar on top. `gatehouse run` builds one and calls
/// ``run(handleSignals:onListening:onAdminListening:)``.
///
/// Running it (`GatewayService+Lifecycle.swift`): every long-running part is a swift-service-lifecycle
/// `Service` in one `ServiceGroup`; SIGHUP (and a change of the dial-plan file) reloads the dial plan;
/// SIGTERM and SIGINT drain the call layer, stop the admin API and close the listeners last.
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
        /// The admin API could not get its token.
        case admin(String)
        /// A service failed while running (the admin API could not bind, for one).
        case service(String)

        public var description: String {
            switch self {
            case .dialPlan(let errors): errors.description
            case .store(let path, let error): "cannot open the binding store in \(path): \(error)"
            case .listen(let error): "cannot listen: \(error)"
            case .admin(let problem): "admin API: \(problem)"
            case .service(let problem): "stopped on an error: \(problem)"
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
    /// The toll-fraud defences: bans, allow-list, counters (``SecurityAdministration``).
    public let security: SecurityService
    /// Calls: INVITE and in-dialog requests (issue 6).
    public let calls: CallService
    let group: MultiThreadedEventLoopGroup
    let transport: SIPTransportManager
    let stack: SIPStack
    let logger: Logger
    /// Start time, metrics, SIP traces, the call layer slot.
    public let runtime: GatewayRuntime

    /// Loads the dial plan, opens the binding store and prepares (does not bind) the listeners.
    /// `callRecordSink` receives every finished call (the CDR store when nil); `callHooks` lets the
    /// DTMF and security modules see in-dialog INFO and caller identification.
    public init(configuration: GatewayConfiguration, logger: Logger, callRecordSink: (any CallRecordSink)? = nil,
                callHooks: CallService.Hooks = CallService.Hooks()) throws(StartError) {
        self.configuration = configuration
        self.logger = logger
        runtime = GatewayRuntime(trace: configuration.trace)
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
            security = try SecurityService(configuration: configuration.security, dialPlans: dialPlans,
                                           dataDirectory: configuration.dataDirectory, logger: logger)
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
                                     options: options, security: security, logger: logger,
                                     authFailures: runtime.metrics.authFailures, groupCommit: configuration.groupCommit)
        let listeners = configuration.listeners.map { listener in
            SIPListenerConfiguration(transport: Self.transport(listener.transport), host: listener.address, port: listener.port,
                                     tls: listener.tls?.serverConfiguration)
        }
        // sent-by is only used in requests we send (none yet): the configured address and port.
        var sentBy: [SIPTransportProtocol: String] = [:]
        for listener in configuration.listeners { sentBy[Self.transport(listener.transport)] = "\(listener.address):\(listener.port)" }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        self.group = group
        do {
            let sink = callRecordSink ?? StoreCallRecordSink(records: callRecords, logger: logger, loop: group.next())
            calls = try CallService.make(group: group, configuration: configuration, dialPlans: dialPlans, store: store,
                                         registrar: registrar, sink: sink,
                                         hooks: Self.reportingIdentification(callHooks, to: security), logger: logger)
            calls.control.rates.count(into: .init(alarms: runtime.metrics.callRateAlarms, refusals: runtime.metrics.callRateRefusals))
            calls.control.setups.withLock { $0 = SetupLimiter(perSource: configuration.callsInSetupPerSource) }
        } catch {
            try? group.syncShutdownGracefully()
            throw .listen(error)
        }
        var stackConfiguration = SIPStackConfiguration(sentBy: sentBy, localHosts: hosts, options: options)
        stackConfiguration.inboundFilter = security.inboundFilter
        stackConfiguration.overload = configuration.overloadLimits(shards: 2)
        stackConfiguration.sourceLimit = SIPSourceLimit(maxTransactions: configuration.security.maxTransactionsPerSource,
                                                        exempt: { [security] in security.isAllowListed($0) })
        var created: SIPTransportManager?
        do {
            let (trace, hep) = (runtime.trace, runtime.hep)
            let filter = TraceFilter(options: configuration.trace.options)
            stack = try SIPStack(group: group, configuration: stackConfiguration, user: calls.user(fallback: registrar.user)) { inbound in
                var transportConfiguration = SIPTransportConfiguration(
                    listeners: listeners, tlsClient: configuration.tlsClient.transportConfiguration)
                transportConfiguration.maxInboundConnectionsPerSource = configuration.security.maxConnectionsPerSource
                let manager = try SIPTransportManager(configuration: transportConfiguration, group: group, logger: logger) { message in
                    TracingTransport.recordInbound(message, trace: trace, hep: hep, filter: filter, logger: logger)
                    inbound(message)
                }
                created = manager
                return TracingTransport(base: manager, trace: trace, hep: hep, filter: filter, logger: logger)
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
            store: store, dialPlans: dialPlans, prober: StackContactProber(stack: stack, transport: created),
            settings: .init(interval: configuration.contactProbeInterval ?? .seconds(30), missesToDown: configuration.contactProbeMisses),
            logger: logger)
        calls.attach(stack)
        calls.attach(trace: runtime.trace)
        calls.follow(trunks: trunks)
        runtime.calls.attach(calls)
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
        let listeners: [SIPListener]
        do { listeners = try await transport.start() } catch { throw .listen(error) }
        calls.didStart(listeners: listeners, fallbackHost: configuration.mediaAddress)
        return listeners
    }

    /// Reloads the dial plan and logs what changed (or why the running version stays).
    @discardableResult
    public func reloadDialPlan() -> DialPlanStore.ReloadOutcome {
        let outcome = dialPlans.reload()
        runtime.metrics.recordReload(outcome: outcome.name)
        for line in outcome.logLines { logger.notice("\(line)") }
        return outcome
    }

    /// Reads the TLS listeners' certificate and key files again (SIGHUP): new connections get the
    /// new certificate, open ones keep theirs; broken files are logged and the running
    /// certificate stays.
    @discardableResult
    public func reloadTLSCertificates() -> [SIPTLSReloadOutcome] {
        transport.reloadTLSCertificates()
    }

    /// Closes the listeners, stops the media engine's threads, writes the call records still
    /// queued (their batching timers run on the event loops) and stops the event loops.
    public func shutdown() async {
        await transport.shutdown()
        await (calls.media as? MediaEngineSessions)?.engine.shutdown()
        await calls.sink.flush()
        try? await group.shutdownGracefully()
    }
}
