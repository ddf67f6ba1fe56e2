import DialPlan
import Foundation
import Registrar
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension TrunkService {
    /// The registration of one trunk, until cancelled: performs the ``TrunkRegistration``
    /// machine's actions (RFC 3261 §10.2) and records the outcome in the trunk's health.
    func runRegistration(_ trunk: Trunk, _ registration: Trunk.Registration) async {
        guard let configuration = registrationConfiguration(trunk, registration) else {
            logger.error("trunk registration cannot start: no usable secret", metadata: ["trunk": "\(trunk.name)"])
            updateHealth(trunk) { $0.registration = .failed(retryAt: .max, failures: 1) }
            return
        }
        var machine = TrunkRegistration(configuration: configuration)
        var actions = machine.start(now: now())
        while !Task.isCancelled {
            keep(machine, of: trunk)
            guard let action = actions.first else {
                // The machine always asks for a send or a wake-up; never spin if it did not.
                actions = [.wakeUp(at: now() + 1)]
                continue
            }
            switch action {
            case .send(let request):
                let event = await signaling.send(request, to: trunk)
                // Stopped meanwhile: a final response still counts (the un-REGISTER at shutdown
                // needs to know the carrier holds our binding); a cancelled transaction does not.
                var answered = false
                if case .final = event { answered = true }
                if Task.isCancelled, !answered { return }
                let wasRegistered = machine.isRegistered(now: now())
                switch event {
                case .final(let response): actions = machine.handle(response: response, now: now())
                case .timeout, .transportError, .provisional: actions = machine.transactionFailed(now: now())
                }
                record(machine, trunk: trunk, status: event.statusCode, wasRegistered: wasRegistered)
                keep(machine, of: trunk)
            case .wakeUp(let time):
                await sleep(until: time)
                if Task.isCancelled { return }
                actions = machine.timerFired(now: now())
                if actions.isEmpty { actions = [.wakeUp(at: now() + 1)] }
            }
        }
    }

    /// Remembers the machine's latest state (its CSeq, whether the carrier holds our binding)
    /// while `trunk` still runs with these settings.
    func keep(_ machine: TrunkRegistration, of trunk: Trunk) {
        running.withLock { running in
            guard running[trunk.name]?.trunk == trunk else { return }
            running[trunk.name]?.registration = machine
        }
    }

    /// Stops every trunk, then sends each registered trunk's un-REGISTER (RFC 3261 §10.2.2,
    /// `Expires: 0`, answering one challenge) and waits for the answers, at most `limit`. Runs in
    /// a task of its own: a shutdown cancels the caller, and a cancelled transaction sends nothing.
    public func unregisterAll(within limit: Duration) async {
        // The tasks stop first (a response in flight is still taken), then their machines are read.
        let tasks = running.withLock { $0.values.flatMap(\.tasks) }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
        let registered = running.withLock { running in
            defer { running.removeAll() }
            return running.values.compactMap { entry in entry.registration.map { (entry.trunk, $0) } }
        }
        let work = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                for (trunk, machine) in registered { group.addTask { await self.unregister(trunk, machine) } }
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            work.cancel()
        }
        await work.value
        timer.cancel()
    }

    /// One trunk's un-REGISTER, when the carrier holds its binding.
    func unregister(_ trunk: Trunk, _ registration: TrunkRegistration) async {
        var machine = registration
        var actions = machine.unregister(now: now())
        var sent = 0
        while case .send(let request)? = actions.first, sent < 3, !Task.isCancelled {
            sent += 1
            let event = await signaling.send(request, to: trunk)
            guard case .final(let response) = event else {
                logger.warning("trunk unregistration got no answer", metadata: ["trunk": "\(trunk.name)"])
                return
            }
            actions = machine.handle(response: response, now: now())
            guard actions.isEmpty else { continue }
            if (200..<300).contains(event.statusCode) {
                logger.notice("trunk unregistered", metadata: ["trunk": "\(trunk.name)"])
            } else {
                logger.warning("trunk unregistration refused", metadata: ["trunk": "\(trunk.name)", "status": "\(event.statusCode)"])
            }
        }
    }

    /// The machine's configuration from the dial plan: Request-URI `sip:server[:port]`, AOR
    /// `sip:user@server`, Contact `sip:user@<our sent-by>`.
    func registrationConfiguration(_ trunk: Trunk, _ registration: Trunk.Registration) -> TrunkRegistration.Configuration? {
        guard let secret = registration.secret.digestSecret else { return nil }
        let host = trunk.server.contains(":") && !trunk.server.hasPrefix("[") ? "[\(trunk.server)]" : trunk.server
        let transport = trunk.transport == .udp ? "" : ";transport=\(trunk.transport.rawValue)"
        return TrunkRegistration.Configuration(
            registrar: trunk.serverURIText, aor: "sip:\(registration.user)@\(host)",
            contact: "sip:\(registration.user)@\(signaling.contactHost(for: trunk))\(transport)",
            username: registration.user, secret: secret, expires: UInt32(clamping: registration.expiry.components.seconds),
            initialBackoff: timing.initialBackoff, maxBackoff: timing.maxBackoff)
    }

    /// Copies the machine's state into the trunk's health and logs transitions.
    func record(_ machine: TrunkRegistration, trunk: Trunk, status: Int, wasRegistered: Bool) {
        let time = now()
        switch machine.state {
        case .registered(let until):
            updateHealth(trunk) { $0.registration = .registered(until: until) }
            if !wasRegistered {
                logger.notice("trunk registered", metadata: ["trunk": "\(trunk.name)", "expires": "\(until - time)"])
            } else {
                logger.debug("trunk registration refreshed", metadata: ["trunk": "\(trunk.name)", "expires": "\(until - time)"])
            }
        case .backingOff(let until, let failures):
            updateHealth(trunk) { $0.registration = .failed(retryAt: until, failures: failures) }
            logger.warning("trunk registration failed", metadata: [
                "trunk": "\(trunk.name)", "status": "\(status)", "failures": "\(failures)", "retryIn": "\(until - time)"])
        case .registering:
            // A challenge is being answered; a refresh keeps the registration it refreshes.
            updateHealth(trunk) { health in
                if !health.isRegistered(now: time) { health.registration = .registering }
            }
        case .idle:
            break
        }
    }
}
