import DialPlan
import Logging
import ServiceLifecycle

/// The SIP listeners and stack as a `Service`: bound before the group starts (so a bind error
/// stops the start), closed when the group shuts down. First in the group, so it stops last:
/// a draining call layer can still send its BYEs.
@available(macOS 15.0, *)
struct SIPService: Service, CustomStringConvertible {
    let gateway: GatewayService
    var description: String { "SIPService" }

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError when cancelled: stop either way.
        try? await gracefulShutdown()
        await gateway.shutdown()
        gateway.logger.notice("SIP listeners closed")
    }
}

/// Reloads the dial plan on SIGHUP and when its file changes (DIALPLAN.md: "on SIGHUP and on file
/// change"); an invalid edit is logged and the running version stays.
@available(macOS 15.0, *)
struct DialPlanReloadService: Service, CustomStringConvertible {
    let gateway: GatewayService
    /// Whether to take over SIGHUP (not in tests, which share one process).
    let handlesHangup: Bool
    var description: String { "DialPlanReloadService" }

    func run() async throws {
        let hangup = handlesHangup ? DialPlanWatcher.onHangup { [gateway] in
            gateway.logger.notice("SIGHUP: reloading the dial plan and the TLS certificates")
            gateway.reloadDialPlan()
            gateway.reloadTLSCertificates()
        } : nil
        defer { hangup?.cancel() }
        await cancelWhenGracefulShutdown { [gateway] in
            await DialPlanWatcher(store: gateway.dialPlans).run { outcome in
                gateway.runtime.metrics.recordReload(outcome: outcome.name)
                for line in outcome.logLines { gateway.logger.notice("\(line)") }
            }
        }
    }
}

/// The drain hook: on graceful shutdown, tells the call layer to refuse new calls, waits until
/// its calls end or `drainTime` passes, then has it end the rest. Last in the group, so it runs
/// first on shutdown, while the listeners and the admin API still serve.
@available(macOS 15.0, *)
struct CallDrainService: Service, CustomStringConvertible {
    let gateway: GatewayService
    let drainTime: Duration
    /// How often the calls in progress are counted while draining.
    static let pollInterval = Duration.milliseconds(100)
    /// The Retry-After sent with 503 while draining (RFC 3261 §20.33).
    static let retryAfter = Duration.seconds(30)
    var description: String { "CallDrainService" }

    func run() async throws {
        do { try await gracefulShutdown() } catch { return }
        gateway.runtime.setDraining()
        gateway.runtime.systemd?.send("STOPPING=1\nSTATUS=draining calls")
        guard let calls = gateway.runtime.calls.current else {
            gateway.logger.notice("shutting down: no call layer attached, nothing to drain")
            return
        }
        await calls.stopAcceptingCalls(retryAfter: Self.retryAfter)
        let clock = ContinuousClock()
        let deadline = clock.now + drainTime
        var remaining = await calls.callsInProgress()
        gateway.logger.notice("draining: \(remaining) calls in progress, waiting up to \(drainTime)")
        while remaining > 0, clock.now < deadline {
            try? await Task.sleep(for: Self.pollInterval)
            remaining = await calls.callsInProgress()
        }
        if remaining > 0 {
            gateway.logger.notice("drain time over: ending \(remaining) calls")
            await calls.endAllCalls()
        }
    }
}

@available(macOS 15.0, *)
extension DialPlanStore.ReloadOutcome {
    /// `applied`, `unchanged` or `rejected`: the metric label and the API's `outcome`.
    var name: String {
        switch self {
        case .applied: "applied"
        case .unchanged: "unchanged"
        case .rejected: "rejected"
        }
    }

    var version: Int {
        switch self {
        case .applied(let version), .unchanged(let version): version.number
        case .rejected(_, let running): running.number
        }
    }
}

/// A background loop of the gateway (trunk registration and probing, contact probing, ban
/// expiry) as a `Service`: it runs until the group shuts down, then is cancelled. Placed after
/// ``SIPService`` in the group, so it stops before the listeners close.
@available(macOS 15.0, *)
struct LoopService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
        // A loop with nothing to do (contact probing `off`) returns at once: a service that
        // returns ends the whole group, so it waits for the shutdown instead.
        try? await gracefulShutdown()
    }
}
