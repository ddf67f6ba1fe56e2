import Foundation
import ServiceLifecycle
import SIPTrace
import Synchronization

/// The parts of a running gateway that the services, the admin API and the call layer share:
/// start time, metrics, the SIP trace ring, the call layer slot and the drain flag.
@available(macOS 15.0, *)
public final class GatewayRuntime: Sendable {
    /// When the service was created.
    public let startedAt = Date()
    public let metrics = GatewayMetrics()
    /// Recent calls' SIP messages, recorded at the transport (see `TracingTransport`); nil when
    /// `trace.calls` is 0.
    public let trace: CallTraceBuffer?
    /// HEP3 copies to a Homer collector, when configured.
    let hep: HEPExporter?
    let calls = CallLayerSlot()
    /// systemd's `Type=notify` socket, when started by systemd.
    let systemd = SystemdNotifier()
    private let state = Mutex(State())

    private struct State {
        var draining = false
        var group: ServiceGroup?
        var shutdownRequested = false
    }

    init(trace settings: GatewayConfiguration.TraceSettings,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        trace = settings.calls > 0
            ? CallTraceBuffer(limits: CallTraceBuffer.Limits(maxCalls: settings.calls, maxBytes: settings.megabytes << 20)) : nil
        let factory = metrics.factory
        hep = settings.hep.map { collector in
            HEPExporter(collector: collector, password: collector.passwordEnvironment.flatMap { environment[$0] },
                        factory: factory)
        }
    }

    /// Whether a shutdown is draining calls.
    public var draining: Bool { state.withLock { $0.draining } }

    func setDraining() { state.withLock { $0.draining = true } }

    /// Whole seconds since start.
    public var uptimeSeconds: Int { max(0, Int(Date().timeIntervalSince(startedAt))) }

    /// Remembers the running group; returns whether a shutdown was requested before it started.
    func running(_ group: ServiceGroup?) -> Bool {
        state.withLock { state in
            state.group = group
            return state.shutdownRequested
        }
    }

    /// Asks the running service group to shut down gracefully (as SIGTERM does); if it has not
    /// started yet, it shuts down as soon as it does.
    func requestShutdown() async {
        let group: ServiceGroup? = state.withLock { state in
            state.shutdownRequested = true
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }
}
