import DialPlan
import Foundation
import Logging
import Registrar
import SIPCore
import SIPStack
import Synchronization

/// Keeps every dial-plan trunk registered and probed (issue 4, "Trunk registration and health").
///
/// For each trunk with `register:` a task drives a ``TrunkRegistration`` machine: REGISTER,
/// answer 401/407 with ``DigestClient``, refresh before expiry, retry with exponential backoff
/// forever (RFC 3261 §10.2). For each trunk with `options:` a task sends OPTIONS (RFC 3261 §11)
/// every `interval` and feeds ``ProbeHealth``. ``health(of:)`` and ``unusableTrunks(now:)``
/// answer the call layer.
///
/// ``run()`` follows the dial plan: a trunk added by a reload starts, a removed one stops, a
/// changed one restarts with its new settings.
@available(macOS 15.0, *)
public final class TrunkService: TrunkHealthProviding {
    /// Retry timing of the registration (the machine's backoff).
    public struct Timing: Sendable {
        /// First retry delay after a failure, seconds; doubled per failure.
        public var initialBackoff: Int64
        /// The longest retry delay, seconds.
        public var maxBackoff: Int64
        /// How often ``run()`` looks for a new dial-plan version.
        public var reloadPoll: Duration

        /// 5 s doubling up to 5 min; the dial plan checked every second.
        public init(initialBackoff: Int64 = 5, maxBackoff: Int64 = 300, reloadPoll: Duration = .seconds(1)) {
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.reloadPoll = reloadPoll
        }
    }

    struct Running {
        var trunk: Trunk
        var health: TrunkHealth
        var tasks: [Task<Void, Never>]
        /// The registration machine as last seen by its task (for the un-REGISTER at shutdown).
        var registration: TrunkRegistration?
    }

    let dialPlans: DialPlanStore
    let signaling: any TrunkSignaling
    let timing: Timing
    let logger: Logger
    let now: @Sendable () -> Int64
    let running = Mutex<[String: Running]>([:])

    /// Creates the service; nothing runs until ``run()`` (or ``reconcile(with:)``).
    public init(dialPlans: DialPlanStore, signaling: any TrunkSignaling, timing: Timing = Timing(), logger: Logger,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.dialPlans = dialPlans
        self.signaling = signaling
        self.timing = timing
        self.logger = logger
        self.now = now
    }

    deinit { stopAll() }

    /// Runs until cancelled: applies each new dial-plan version's trunks, then stops them all;
    /// with `unregisterWithin`, first removes every registration at its carrier
    /// (``unregisterAll(within:)``), as the gateway does on shutdown.
    public func run(unregisterWithin: Duration? = nil) async {
        var applied = 0
        while !Task.isCancelled {
            let version = dialPlans.current
            if version.number != applied {
                reconcile(with: version.plan)
                applied = version.number
            }
            try? await Task.sleep(for: timing.reloadPoll)
        }
        if let unregisterWithin { await unregisterAll(within: unregisterWithin) } else { stopAll() }
    }

    /// Starts trunks new in `plan`, stops those gone from it (un-REGISTERing them), restarts
    /// those whose settings changed.
    public func reconcile(with plan: DialPlan) {
        let (stopped, removed) = running.withLock { running in
            var cancelled: [Task<Void, Never>] = []
            var removed: [(Trunk, TrunkRegistration)] = []
            for (name, entry) in running where plan.trunks[name] != entry.trunk {
                cancelled += entry.tasks
                if plan.trunks[name] == nil, let registration = entry.registration { removed.append((entry.trunk, registration)) }
                running[name] = nil
            }
            return (cancelled, removed)
        }
        stopped.forEach { $0.cancel() }
        for (trunk, registration) in removed {
            Task { [self] in await unregister(trunk, registration) }
        }
        for trunk in plan.trunks.values.sorted(by: { $0.name < $1.name }) {
            let isNew = running.withLock { running in
                guard running[trunk.name] == nil else { return false }
                let health = TrunkHealth(trunk: trunk.name, registration: trunk.registration == nil ? .notConfigured : .registering,
                                         probeUp: trunk.probe == nil ? nil : true)
                running[trunk.name] = Running(trunk: trunk, health: health, tasks: [])
                return true
            }
            guard isNew else { continue }
            logger.info("trunk started", metadata: [
                "trunk": "\(trunk.name)", "server": "\(trunk.serverURIText)",
                "register": "\(trunk.registration != nil)", "probe": "\(trunk.probe.map { "\($0.interval)" } ?? "off")"])
            var tasks: [Task<Void, Never>] = []
            if let registration = trunk.registration {
                tasks.append(Task { [self] in await runRegistration(trunk, registration) })
            }
            if let probe = trunk.probe {
                tasks.append(Task { [self] in await runProbe(trunk, probe) })
            }
            let created = tasks
            let kept = running.withLock { running -> Bool in
                guard running[trunk.name]?.trunk == trunk else { return false }
                running[trunk.name]?.tasks = created
                return true
            }
            if !kept { created.forEach { $0.cancel() } }
        }
    }

    /// Stops every trunk's tasks (registrations are left to expire at the carrier).
    public func stopAll() {
        let tasks = running.withLock { running in
            defer { running.removeAll() }
            return running.values.flatMap(\.tasks)
        }
        tasks.forEach { $0.cancel() }
    }

    public func health(of name: String) -> TrunkHealth? {
        running.withLock { $0[name]?.health }
    }

    public func unusableTrunks(now: Int64) -> Set<String> {
        running.withLock { running in
            Set(running.values.filter { !$0.health.isUsable(now: now) }.map(\.trunk.name))
        }
    }

    /// Every running trunk's health, by name.
    public func allHealth() -> [TrunkHealth] {
        running.withLock { $0.values.map(\.health).sorted { $0.trunk < $1.trunk } }
    }

    /// Changes the recorded health of `trunk` when it still runs with the same settings.
    func updateHealth(_ trunk: Trunk, _ body: (inout TrunkHealth) -> Void) {
        running.withLock { running in
            guard running[trunk.name]?.trunk == trunk, var health = running[trunk.name]?.health else { return }
            body(&health)
            running[trunk.name]?.health = health
        }
    }

    /// Sleeps until Unix second `time` (or cancellation).
    func sleep(until time: Int64) async {
        let delay = time - now()
        guard delay > 0 else { return }
        try? await Task.sleep(for: .seconds(delay))
    }
}
