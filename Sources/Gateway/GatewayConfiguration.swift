import B2BUA
import SIPSecurity
import SIPStack
import Yams

/// The service configuration: where Gatehouse listens, where it keeps its data, and which dial plan
/// it runs. Small on purpose: everything about endpoints, trunks and routes lives in the dial plan.
public struct GatewayConfiguration: Sendable, Equatable {
    /// One SIP listener (RFC 3261 §18): a transport bound to an address and port.
    public struct Listener: Sendable, Equatable {
        public enum Transport: String, Sendable, CaseIterable { case udp, tcp, tls }
        public var transport: Transport
        public var address: String
        public var port: Int
        /// Certificate and key of a TLS listener (required for `tls`, refused for the others).
        public var tls: TLSFiles? = nil
    }

    public var listeners: [Listener]
    /// Outbound TLS trust and identity (`tls_client:`).
    public var tlsClient = TLSClient()
    public var mediaAddress: String
    /// RTP port range, inclusive; RTP on even ports, RTCP on the next odd one.
    public var mediaPorts: ClosedRange<Int>
    /// No RTP from a leg of an answered call for this long ends the call (`media: { timeout: 30s }`).
    public var mediaTimeout: Duration = .seconds(30)
    /// The media thread's wake-up coalescing (`media: { wakeup_coalescing: 1ms }`, `0ms` or
    /// `off` disables it): `MediaEngine.Configuration.wakeupCoalescing`.
    public var mediaWakeupCoalescing: Duration = .milliseconds(1)
    /// Released media sockets kept bound for reuse by later calls (`media: { socket_pool: 2048 }`,
    /// `off` or `0` closes every released socket; absent: 2048 legs or an eighth of the descriptor
    /// limit, whichever is lower): `MediaEngine.Configuration.socketPoolLimit`.
    public var mediaSocketPool: Int?
    /// How long a released media socket rests before a new call takes it while the pool is under
    /// three quarters full (`media: { port_quarantine: 2s }`): late packets of the old call die
    /// there. `MediaEngine.Configuration.portQuarantine`.
    public var mediaPortQuarantine: Duration = .seconds(2)
    public var dataDirectory: String
    public var adminAddress: String
    public var adminPort: Int
    /// The admin API's bearer token; nil: `$GATEHOUSE_ADMIN_TOKEN`, else `<data directory>/admin.token`.
    public var adminToken: String? = nil
    /// How long a shutdown lets calls in progress finish before ending them.
    public var drainTime: Duration = .seconds(30)
    /// The SIP trace ring and the optional HEP3 export.
    public var trace = TraceSettings()
    public var logLevel: String
    public var dialPlan: String
    /// The digest realm offered in REGISTER challenges (RFC 3261 §22.1).
    public var realm: String = "gatehouse"
    /// Digest algorithms offered, strongest first (RFC 8760 §2.4); `[md5]` for clients that only
    /// know RFC 2617 (sipp 3.6 among them).
    public var digestAlgorithms: [DigestAlgorithmName] = [.sha256, .md5]
    /// How often registered UDP contacts get an OPTIONS keep-alive / presence probe; nil: never
    /// (`registrar: { probe_interval: off }`).
    public var contactProbeInterval: Duration? = .seconds(30)
    /// Missed probes that mark a contact unreachable.
    public var contactProbeMisses: Int = 2
    /// The shortest registration accepted (RFC 3261 §10.3 step 7: shorter draws 423 with Min-Expires).
    public var minimumExpires: UInt32 = 60
    /// Toll-fraud defences (the `security:` section); on by default.
    public var security = Security()
    /// The domains phones register in (`sip:alice@DOMAIN`); an AOR elsewhere draws 404. Empty:
    /// any domain (the default, for gateways reached by IP address).
    public var registrarDomains: [String] = []
    /// `synchronous=FULL` for the binding store (a 200 OK survives a power loss: one fsync per
    /// REGISTER) when true; `NORMAL` (survives a crash of the process) when false.
    public var durableBindings = true
    /// REGISTER writes that arrive during a commit share the next transaction (one fsync for
    /// the batch) when true; one transaction per REGISTER when false (`registrar: { group_commit: }`).
    public var groupCommit = true
    /// Gateway-wide call admission limits (the `calls:` section).
    public var callLimits = CallAdmission.Limits()
    /// Unanswered calls one source address may have (`calls.max_in_setup_per_source`, issue 10).
    public var callsInSetupPerSource = SetupLimiter.defaultPerSource
    /// The mean queue delay past which new INVITEs get 503 (`calls: overload_delay`); nil: off.
    public var overloadDelay: Duration? = .milliseconds(100)
    /// The mean UDP receive-queue fill, in percent, past which new INVITEs get 503
    /// (`calls: overload_backlog`); nil: off.
    public var overloadBacklog: Int? = 50
    /// How long an overload signal stays past its limit before new INVITEs get 503
    /// (`calls: overload_sustain`).
    public var overloadSustain = SIPOverloadGuard.Limits.defaultSustain

    /// A digest algorithm as written in the configuration.
    public enum DigestAlgorithmName: String, Sendable, CaseIterable {
        case md5, sha256
    }

    /// The configuration `gatehouse run` uses when no file is given: everything on loopback.
    public static let embeddedDefaultYAML = """
        # Gatehouse service configuration (embedded default).
        listen:
          - { transport: udp, address: 127.0.0.1, port: 5060 }
          - { transport: tcp, address: 127.0.0.1, port: 5060 }
        media:
          address: 127.0.0.1
          ports: 20000-20999
        data_directory: ./var
        admin:
          address: 127.0.0.1
          port: 8060
        log_level: info
        dial_plan: dialplans/example.yaml
        """

    public static func embeddedDefault() -> GatewayConfiguration {
        // The embedded text is ours and covered by a test; failing to parse it is a build defect.
        do { return try parse(embeddedDefaultYAML, file: "<embedded>") } catch {
            preconditionFailure("embedded default configuration is invalid: \(error)")
        }
    }
}
