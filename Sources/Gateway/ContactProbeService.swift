import DialPlan
import Foundation
import Logging
import NIOPosix
import Registrar
import SIPCore
import SIPStack
import SIPTransport
import Synchronization

/// Sends one OPTIONS to a registered contact and reports the outcome (the gateway's is
/// ``StackContactProber``; tests give a scripted one).
public protocol ContactProbing: Sendable {
    /// Probes `binding`'s contact at the address its REGISTER came from.
    func probe(_ binding: Binding) async -> SIPClientEvent
    /// Sends an RFC 5626 §3.5.1 CRLF keep-alive ping on the TCP or TLS connection `binding`
    /// registered over; false when that connection is gone (or keep-alives are not supported).
    func keepAlive(_ binding: Binding) async -> Bool
}

extension ContactProbing {
    /// No stream keep-alives.
    public func keepAlive(_ binding: Binding) async -> Bool { false }
}

/// Keep-alive and presence probing of registered contacts (issue 4, "NAT" and "presence for
/// routing"): every `interval` an OPTIONS (RFC 3261 §11) goes to each live UDP contact, at the
/// address and port its REGISTER came from (RFC 3581), which also keeps the NAT binding open. A
/// contact that misses `missesToDown` probes in a row is marked unreachable in a
/// ``PresenceTable`` until it answers again, so a softphone killed without unregistering stops
/// being rung. TCP and TLS contacts get no OPTIONS: each round sends a CRLF keep-alive ping on
/// the connection they registered over (RFC 5626 §3.5.1), which keeps it (and its NAT binding)
/// from going idle between REGISTER refreshes.
///
/// Store reads run on the ``StorageThreadPool``, never on an event loop.
@available(macOS 15.0, *)
public final class ContactProbeService: EndpointPresenceProviding {
    /// How often and how strictly contacts are probed.
    public struct Settings: Sendable, Equatable {
        /// Time between two probes of one contact.
        public var interval: Duration
        /// Consecutive misses that mark a contact unreachable.
        public var missesToDown: Int
        /// Consecutive answers that mark it reachable again.
        public var successesToUp: Int
        /// A probe not answered within this time is a miss (the transaction's own Timer F would
        /// wait 32 s), so a silent contact is unreachable within about
        /// `interval × (missesToDown − 1) + timeout`.
        public var timeout: Duration

        /// Every 30 s; unreachable after 2 misses of 5 s, reachable after 1 answer.
        public init(interval: Duration = .seconds(30), missesToDown: Int = 2, successesToUp: Int = 1,
                    timeout: Duration = .seconds(5)) {
            self.interval = interval
            self.missesToDown = missesToDown
            self.successesToUp = successesToUp
            self.timeout = timeout
        }
    }

    struct State {
        var presence = PresenceTable()
        var health: [String: ProbeHealth] = [:]
    }

    let store: any BindingStore
    let dialPlans: DialPlanStore
    let prober: any ContactProbing
    let settings: Settings
    let logger: Logger
    let state = Mutex(State())

    /// Creates the service; ``run()`` probes.
    public init(store: any BindingStore, dialPlans: DialPlanStore, prober: any ContactProbing, settings: Settings = Settings(),
                logger: Logger) {
        self.store = store
        self.dialPlans = dialPlans
        self.prober = prober
        self.settings = settings
        self.logger = logger
    }

    /// Probes every live UDP contact each interval, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await probeRound(now: Int64(Date().timeIntervalSince1970))
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// One round: probes each live UDP contact concurrently and records the results.
    public func probeRound(now: Int64) async {
        let bindings = await liveBindings(now: now)
        let probed = bindings.filter { $0.source.transport.uppercased() == "UDP" }
        let streams = bindings.filter { ["TCP", "TLS"].contains($0.source.transport.uppercased()) }
        await withTaskGroup(of: Void.self) { group in
            for binding in streams {
                group.addTask { [prober, logger] in
                    let sent = await prober.keepAlive(binding)
                    logger.debug("keep-alive ping", metadata: [
                        "aor": "\(binding.aor)", "transport": "\(binding.source.transport)", "sent": "\(sent)"])
                }
            }
        }
        let results = await withTaskGroup(of: (Binding, SIPClientEvent).self) { group in
            for binding in probed {
                group.addTask { [prober, timeout = settings.timeout] in (binding, await Self.probe(binding, with: prober, timeout: timeout)) }
            }
            var results: [(Binding, SIPClientEvent)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (binding, event) in results { record(event, for: binding) }
        state.withLock { state in
            state.presence.retain(only: bindings)
            let live = Set(bindings.map { Self.slot($0) })
            state.health = state.health.filter { live.contains($0.key) }
        }
    }

    /// One probe, counted as a timeout when no final answer comes within `timeout`.
    static func probe(_ binding: Binding, with prober: any ContactProbing, timeout: Duration) async -> SIPClientEvent {
        await withTaskGroup(of: SIPClientEvent?.self) { group in
            group.addTask { await prober.probe(binding) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .timeout
        }
    }

    /// Records one probe outcome. Any final response means the contact is alive (a 404 or 503
    /// from a phone still proves it is there), except a 408 from a Path proxy in front of it; a
    /// timeout or transport error is a miss.
    func record(_ event: SIPClientEvent, for binding: Binding) {
        let result: ProbeHealth.Result = switch event {
        case .final(let response) where response.statusCode != 408: .answered(status: 200)
        case .final, .timeout, .transportError, .provisional: .timeout
        }
        let changed: Bool? = state.withLock { state in
            let slot = Self.slot(binding)
            var health = state.health[slot]
                ?? ProbeHealth(isUp: true, missesToDown: settings.missesToDown, successesToUp: settings.successesToUp)
            let changed = health.record(result)
            state.health[slot] = health
            state.presence.setHealth(health.isUp ? .up : .down, aor: binding.aor, key: binding.key)
            return changed ? health.isUp : nil
        }
        if let isUp = changed {
            logger.notice(isUp ? "contact reachable" : "contact unreachable", metadata: [
                "aor": "\(binding.aor)", "contact": "\(binding.contact)", "status": "\(event.statusCode)"])
        } else {
            logger.debug("contact probe", metadata: ["aor": "\(binding.aor)", "status": "\(event.statusCode)"])
        }
    }

    public func reachability(ofEndpoint name: String, now: Int64) async -> Reachability {
        guard let endpoint = dialPlans.current.plan.endpoints[name] else { return Reachability(aor: name, contacts: []) }
        let users = endpoint.aorUsers
        let mine = await liveBindings(now: now).filter { $0.aorUser.map(users.contains) ?? false }
        return state.withLock { state in
            let usable = Set(mine.map(\.aor)).flatMap { state.presence.reachability(of: $0, bindings: mine, now: now).contacts }
            return Reachability(aor: mine.first?.aor ?? name, contacts: Registrar.ordered(usable))
        }
    }

    public func offlineEndpoints(now: Int64) async -> Set<String> {
        let bindings = await liveBindings(now: now)
        let reachableUsers: Set<String> = state.withLock { state in
            Set(bindings.filter { state.presence.health(aor: $0.aor, key: $0.key) != .down }.compactMap(\.aorUser))
        }
        let endpoints = dialPlans.current.plan.endpoints.values.filter(\.registers)
        return Set(endpoints.filter { reachableUsers.isDisjoint(with: $0.aorUsers) }.map(\.name))
    }

    /// The store's live bindings, read on the storage thread pool (empty when the store fails).
    func liveBindings(now: Int64) async -> [Binding] {
        let store = self.store
        do {
            return try await StorageThreadPool.shared.runIfActive { try store.allBindings(now: now) }
        } catch {
            logger.warning("cannot read bindings", metadata: ["error": "\(error)"])
            return []
        }
    }

    static func slot(_ binding: Binding) -> String { binding.aor + "\u{0}" + binding.key }
}

/// ``ContactProbing`` through the running ``SIPStack``: an OPTIONS to the contact URI, sent to the
/// REGISTER's source address over UDP (RFC 3581 symmetric response routing), with the binding's
/// Path as Route (RFC 3327 §5.3).
public struct StackContactProber: ContactProbing {
    let stack: SIPStack
    /// The transport whose stream connections get CRLF keep-alives; nil: none are sent.
    let transport: SIPTransportManager?

    /// Creates the prober.
    public init(stack: SIPStack, transport: SIPTransportManager? = nil) {
        self.stack = stack
        self.transport = transport
    }

    public func probe(_ binding: Binding) async -> SIPClientEvent {
        guard let target = try? SIPTransportTarget(host: binding.source.address, port: binding.source.port, transport: .udp)
        else { return .transportError }
        let host = stack.configuration.sentBy[.udp] ?? "127.0.0.1"
        var message = SIPMessage(request: SIPRequestLine(method: .options, uri: binding.contact))
        for hop in binding.path { message.headers.append(.route, value: hop) }
        message.headers.append(.maxForwards, value: "70")
        message.headers.append(.from, value: "<sip:gatehouse@\(host)>;tag=\(SIPMessage.makeTag())")
        message.headers.append(.to, value: "<\(binding.aor)>")
        message.headers.append(.callID, value: DigestHash.randomHex(12) + "@gatehouse")
        message.headers.append(.cseq, value: "1 OPTIONS")
        return await stack.finalResponse(to: message, at: target)
    }
}
