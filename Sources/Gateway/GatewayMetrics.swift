import CoreMetrics
import Prometheus
import SIPSecurity
import SIPStack
import SIPTransport
import Synchronization

/// The gateway's metrics: swift-metrics counters and gauges on a Prometheus registry of the
/// service's own (not the process-wide `MetricsSystem`, so several services can run in one test
/// process), rendered at `GET /metrics`.
///
/// Events the gateway sees itself (auth failures, dial-plan reloads) are counted as they happen;
/// the transport's and stack's counters are snapshots, added as deltas when scraped.
@available(macOS 15.0, *)
public final class GatewayMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The factory for swift-metrics types on `registry`; the call layer makes its own metrics with it.
    public let factory: PrometheusMetricsFactory
    /// REGISTER requests whose credentials were wrong (unknown user, wrong password).
    public let authFailures: CoreMetrics.Counter
    /// Call-rate jumps of an endpoint or trunk (issue 10: "an alert (log + metric) when an
    /// endpoint's call rate jumps").
    public let callRateAlarms: CoreMetrics.Counter
    /// Calls refused by their caller's calls-per-minute limit.
    public let callRateRefusals: CoreMetrics.Counter
    private let reloads: [String: CoreMetrics.Counter]
    private let gauges: [String: CoreMetrics.Gauge]
    private let snapshotCounters: [String: CoreMetrics.Counter]
    private let lastSnapshot: Mutex<[String: Int]>

    /// Every metric, registered at zero so a scrape shows them before the first event.
    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        authFailures = Counter(label: "gatehouse_auth_failures_total", factory: factory)
        callRateAlarms = Counter(label: "gatehouse_call_rate_alarms_total", factory: factory)
        callRateRefusals = Counter(label: "gatehouse_call_rate_refusals_total", factory: factory)
        reloads = Dictionary(uniqueKeysWithValues: ["applied", "unchanged", "rejected"].map { outcome in
            (outcome, Counter(label: "gatehouse_dial_plan_reloads_total", dimensions: [("outcome", outcome)], factory: factory))
        })
        gauges = Dictionary(uniqueKeysWithValues: [
            "gatehouse_registrations", "gatehouse_calls_in_progress", "gatehouse_dial_plan_version",
            "gatehouse_uptime_seconds", "gatehouse_sip_connections", "gatehouse_bans_active",
        ].map { ($0, Gauge(label: $0, factory: factory)) })
        snapshotCounters = Dictionary(uniqueKeysWithValues: Self.snapshotSeries.map { series in
            (series.key, Counter(label: series.name, dimensions: series.labels, factory: factory))
        })
        lastSnapshot = Mutex([:])
        for counter in reloads.values { counter.increment(by: 0) }
        authFailures.increment(by: 0)
        callRateAlarms.increment(by: 0)
        callRateRefusals.increment(by: 0)
        for counter in snapshotCounters.values { counter.increment(by: 0) }
    }

    /// Counts one dial-plan reload by its outcome (`applied`, `unchanged`, `rejected`).
    public func recordReload(outcome: String) {
        reloads[outcome]?.increment()
    }

    /// The gauges read at scrape time.
    public struct Levels: Sendable {
        public var registrations: Int
        public var callsInProgress: Int
        public var dialPlanVersion: Int
        public var uptimeSeconds: Int
        public var connections: Int
        /// Bans in force now.
        public var activeBans: Int = 0
    }

    /// Updates the snapshot-based metrics, then renders the registry in Prometheus text format.
    /// `security`: the toll-fraud front door's counters (requests dropped and rejected by reason,
    /// bans issued by reason).
    public func render(transport: SIPTransportCounters, stack: SIPStackCounters?, security: SecurityPolicy.Counters? = nil,
                       levels: Levels) -> String {
        gauges["gatehouse_bans_active"]?.record(levels.activeBans)
        gauges["gatehouse_registrations"]?.record(levels.registrations)
        gauges["gatehouse_calls_in_progress"]?.record(levels.callsInProgress)
        gauges["gatehouse_dial_plan_version"]?.record(levels.dialPlanVersion)
        gauges["gatehouse_uptime_seconds"]?.record(levels.uptimeSeconds)
        gauges["gatehouse_sip_connections"]?.record(levels.connections)
        var values: [String: Int] = [
            "received": transport.messagesReceived, "sent": transport.messagesSent,
            "parse": transport.parseErrors, "sendFailures": transport.sendFailures,
        ]
        if let stack {
            values["server"] = stack.serverTransactions
            values["client"] = stack.clientTransactions
            values["absorbed"] = stack.absorbedRetransmissions
            values["success"] = stack.successRetransmissions
            values["drop"] = stack.filteredDrops
            values["reject"] = stack.filteredRejects
            values["overload.queue_delay"] = stack.overloadRejectsQueueDelay
            values["overload.receive_backlog"] = stack.overloadRejectsReceiveBacklog
            values["overload.pending_invites"] = stack.overloadRejectsPendingInvites
            values["overload.retransmission"] = stack.overloadRejectedRetransmissions
            values["sourceLimit"] = stack.sourceLimitRejects
        }
        if let security {
            for reason in SecurityPolicy.Reason.allCases {
                values["security.drop.\(reason.rawValue)"] = security.dropped[reason] ?? 0
                values["security.reject.\(reason.rawValue)"] = security.rejected[reason] ?? 0
            }
            for reason in Self.banReasons { values["security.ban.\(reason.rawValue)"] = security.bansIssued[reason] ?? 0 }
        }
        lastSnapshot.withLock { last in
            for (key, value) in values {
                let delta = value - (last[key] ?? 0)
                if delta > 0 { snapshotCounters[key]?.increment(by: Int64(delta)) }
                last[key] = value
            }
        }
        return registry.emitToString()
    }

    private static let banReasons: [BanReason] = [.authenticationFailures, .rateLimit, .manual]

    /// The counters fed from snapshots: key, Prometheus name, labels.
    private static let snapshotSeries: [(key: String, name: String, labels: [(String, String)])] = securitySeries + [
        ("received", "gatehouse_sip_messages_total", [("direction", "received")]),
        ("sent", "gatehouse_sip_messages_total", [("direction", "sent")]),
        ("parse", "gatehouse_sip_parse_errors_total", []),
        ("sendFailures", "gatehouse_sip_send_failures_total", []),
        ("server", "gatehouse_sip_transactions_total", [("role", "server")]),
        ("client", "gatehouse_sip_transactions_total", [("role", "client")]),
        // Requests retransmitted by peers and absorbed by a server transaction (RFC 3261 §17.2).
        ("absorbed", "gatehouse_sip_retransmissions_total", [("kind", "request_absorbed")]),
        // 2xx to INVITE retransmitted by us until the ACK (RFC 3261 §13.3.1.4).
        ("success", "gatehouse_sip_retransmissions_total", [("kind", "success_response")]),
        ("drop", "gatehouse_sip_filtered_total", [("action", "drop")]),
        ("reject", "gatehouse_sip_filtered_total", [("action", "reject")]),
        // New INVITEs answered 503 by the stack's overload guard (SIPOverloadGuard), by the signal
        // that refused them; `retransmission`: copies of an INVITE already refused, answered again.
        ("overload.queue_delay", "gatehouse_sip_overload_rejects_total", [("signal", "queue_delay")]),
        ("overload.receive_backlog", "gatehouse_sip_overload_rejects_total", [("signal", "receive_backlog")]),
        ("overload.pending_invites", "gatehouse_sip_overload_rejects_total", [("signal", "pending_invites")]),
        ("overload.retransmission", "gatehouse_sip_overload_rejects_total", [("signal", "retransmission")]),
        // New requests answered 503 because their source held too many transactions (SIPSourceLimit).
        ("sourceLimit", "gatehouse_sip_source_limit_rejects_total", []),
    ]

    /// Requests the security policy dropped (no answer) and rejected (403/503) by reason, and
    /// bans it issued by reason (INTEROP.md, "Toll fraud and scanners").
    private static let securitySeries: [(key: String, name: String, labels: [(String, String)])] =
        SecurityPolicy.Reason.allCases.flatMap { reason in
            [("security.drop.\(reason.rawValue)", "gatehouse_security_requests_total", [("action", "drop"), ("reason", reason.rawValue)]),
             ("security.reject.\(reason.rawValue)", "gatehouse_security_requests_total", [("action", "reject"), ("reason", reason.rawValue)])]
        } + banReasons.map { reason in
            ("security.ban.\(reason.rawValue)", "gatehouse_bans_issued_total", [("reason", reason.rawValue)])
        }
}
