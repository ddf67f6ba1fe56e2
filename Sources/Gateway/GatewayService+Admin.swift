import AdminAPI
import DialPlan
import Foundation
import Registrar

/// The admin API's data, read from the running gateway. Calls come from the attached call layer
/// (none attached: no calls).
@available(macOS 15.0, *)
extension GatewayService: AdminDataSource {
    public func status() async -> AdminStatus {
        let version = dialPlans.current
        let now = Int64(Date().timeIntervalSince1970)
        let trunks = version.plan.trunks.values.sorted { $0.name < $1.name }.map { trunk in
            Self.adminTrunk(name: trunk.name, registers: trunk.registration != nil, health: self.trunks.health(of: trunk.name), now: now)
        }
        return AdminStatus(
            version: GatewayVersion.current, uptimeSeconds: runtime.uptimeSeconds, registrations: registrationCount(),
            trunks: trunks, callsInProgress: await runtime.calls.current?.calls().count ?? 0,
            dialPlanVersion: version.number, dialPlanPath: dialPlans.path, draining: runtime.draining,
            activeBans: security.activeBans().count)
    }

    public func registrations() async -> [AdminRegistration] {
        let now = Int64(Date().timeIntervalSince1970)
        let bindings = (try? registrar.store.allBindings(now: now)) ?? []
        return bindings.sorted { ($0.aor, $0.contact) < ($1.aor, $1.contact) }.map { binding in
            AdminRegistration(aor: binding.aor, contact: binding.contact, transport: binding.source.transport.lowercased(),
                              source: Self.hostPort(binding.source.address, binding.source.port),
                              expiresIn: Int(binding.remaining(now: now)), userAgent: binding.userAgent)
        }
    }

    public func calls() async -> [AdminCall] {
        await runtime.calls.current?.calls() ?? []
    }

    public func call(id: String) async -> AdminCall? {
        await runtime.calls.current?.call(id: id)
    }

    public func reload() async -> AdminReloadResult {
        logger.notice("admin API: reloading the dial plan and the TLS certificates")
        let outcome = reloadDialPlan()
        let certificates = reloadTLSCertificates().map(\.description)
        return AdminReloadResult(outcome: outcome.name, version: outcome.version, messages: outcome.logLines + certificates)
    }

    /// Explains against the running plan version (not the file, which may hold an unapplied edit).
    public func explain(_ query: AdminExplainQuery) async -> AdminExplainResult {
        let explainQuery = ExplainQuery(from: query.from, to: query.to, callerNumber: query.callerNumber,
                                        offline: query.offline ?? [], outcomes: query.outcomes ?? [], at: query.at)
        do {
            let explanation = try dialPlans.current.plan.explain(explainQuery)
            return AdminExplainResult(ok: true, text: explanation.text)
        } catch {
            return AdminExplainResult(ok: false, text: "", error: error.message)
        }
    }

    public func pcap(callID: String) async -> [UInt8]? {
        runtime.trace?.pcap(for: callID)
    }

    public func metrics() async -> String {
        let levels = GatewayMetrics.Levels(
            registrations: registrationCount(), callsInProgress: await runtime.calls.current?.callsInProgress() ?? 0,
            dialPlanVersion: dialPlans.current.number, uptimeSeconds: runtime.uptimeSeconds,
            connections: transport.connectionCount, activeBans: security.activeBans().count)
        return runtime.metrics.render(transport: transport.counters, stack: try? await stack.counters(),
                                      security: security.counters(), levels: levels)
    }

    func registrationCount() -> Int {
        (try? registrar.store.allBindings(now: Int64(Date().timeIntervalSince1970)).count) ?? 0
    }

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
