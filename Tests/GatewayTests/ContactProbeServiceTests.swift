import DialPlan
import Foundation
import Logging
import Registrar
import SIPCore
import SIPStack
import Synchronization
import Testing
@testable import Gateway

/// Contacts that answer OPTIONS or not, by contact URI.
final class ScriptedContacts: ContactProbing {
    let silent: Mutex<Set<String>>
    let probed = Mutex<[String]>([])
    let pinged = Mutex<[String]>([])

    init(silent: Set<String>) { self.silent = Mutex(silent) }

    func probe(_ binding: Binding) async -> SIPClientEvent {
        probed.withLock { $0.append(binding.contact) }
        if silent.withLock({ $0.contains(binding.contact) }) { return .timeout }
        // A phone that knows no OPTIONS still answers: alive.
        var options = SIPMessage(request: SIPRequestLine(method: .options, uri: binding.contact))
        options.headers.append(.callID, value: "c")
        options.headers.append(.cseq, value: "1 OPTIONS")
        return .final(options.makeResponse(status: 405))
    }

    func keepAlive(_ binding: Binding) async -> Bool {
        pinged.withLock { $0.append(binding.contact) }
        return true
    }
}

/// A contact whose answer never comes (the transaction would only time out after 32 s).
struct SilentContact: ContactProbing {
    func probe(_ binding: Binding) async -> SIPClientEvent {
        try? await Task.sleep(for: .seconds(60))
        return .timeout
    }
}

@Suite struct ContactProbeServiceTests {
    let directory: String
    let store: SQLiteBindingStore
    let dialPlans: DialPlanStore
    let now: Int64 = 1_900_000_000

    init() throws {
        setenv("GATEHOUSE_UNIT_PROBE_PASSWORD", "x", 1)
        directory = try temporaryPlanDirectory("probe", plan: """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: GATEHOUSE_UNIT_PROBE_PASSWORD }
              bob:
                class: phone
                number: "102"
                auth: { user: bob, password_env: GATEHOUSE_UNIT_PROBE_PASSWORD }
              door:
                class: door
                number: "201"
                auth: { source: [192.0.2.99] }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """)
        dialPlans = try DialPlanStore(path: directory + "/plan.yaml")
        store = try SQLiteBindingStore(dataDirectory: directory)
    }

    func bind(_ aor: String, _ contact: String, transport: String = "UDP", q: UInt16? = nil) throws {
        let binding = Binding(aor: aor, key: "uri:" + contact, contact: contact, q: q, expiresAt: now + 600, callID: "c", cseq: 1,
                              source: BindingSource(transport: transport, address: "192.0.2.10", port: 5062), updatedAt: now)
        try store.apply(BindingChange(aor: aor, upserts: [binding]))
    }

    @Test func aSilentContactBecomesUnreachableAndComesBack() async throws {
        try bind("sip:alice@gw.example", "sip:alice@192.0.2.10:5062", q: 1000)
        try bind("sip:101@gw.example", "sip:alice-app@192.0.2.11:5062", q: 500)
        try bind("sip:alice@gw.example", "sip:alice-desk@192.0.2.12:5060;transport=tcp", transport: "TCP")
        let contacts = ScriptedContacts(silent: ["sip:alice@192.0.2.10:5062"])
        let service = ContactProbeService(store: store, dialPlans: dialPlans, prober: contacts,
                                          settings: .init(interval: .seconds(1), missesToDown: 2, successesToUp: 1),
                                          logger: Logger(label: "test"))
        var reach = await service.reachability(ofEndpoint: "alice", now: now)
        #expect(reach.contacts.count == 3)
        await service.probeRound(now: now)
        // One miss is not enough; TCP contacts are not probed: they get a CRLF keep-alive.
        #expect(Set(contacts.probed.withLock { $0 }) == ["sip:alice@192.0.2.10:5062", "sip:alice-app@192.0.2.11:5062"])
        #expect(contacts.pinged.withLock { $0 } == ["sip:alice-desk@192.0.2.12:5060;transport=tcp"])
        #expect(await service.reachability(ofEndpoint: "alice", now: now).contacts.count == 3)
        await service.probeRound(now: now)
        reach = await service.reachability(ofEndpoint: "alice", now: now)
        #expect(reach.isReachable)
        // By preference: no q counts as 1.0, ahead of q=0.5.
        #expect(reach.contacts.map(\.contact) == ["sip:alice-desk@192.0.2.12:5060;transport=tcp", "sip:alice-app@192.0.2.11:5062"])
        contacts.silent.withLock { $0 = [] }
        await service.probeRound(now: now)
        #expect(await service.reachability(ofEndpoint: "alice", now: now).contacts.count == 3)
    }

    @Test func offlineEndpointsFeedTheNetworkState() async throws {
        try bind("sip:bob@gw.example", "sip:bob@192.0.2.20:5060")
        let contacts = ScriptedContacts(silent: ["sip:bob@192.0.2.20:5060"])
        let service = ContactProbeService(store: store, dialPlans: dialPlans, prober: contacts,
                                          settings: .init(interval: .seconds(1), missesToDown: 1), logger: Logger(label: "test"))
        // alice never registered; the door is known by its address, never "offline".
        #expect(await service.offlineEndpoints(now: now) == ["alice"])
        await service.probeRound(now: now)
        var state = NetworkState()
        await state.markOffline(from: service, now: now)
        #expect(state.offline == ["alice", "bob"])
        #expect(await service.reachability(ofEndpoint: "bob", now: now).isReachable == false)
        // Expired bindings are neither reachable nor probed.
        #expect(await service.reachability(ofEndpoint: "bob", now: now + 601).contacts.isEmpty)
        #expect(await service.reachability(ofEndpoint: "nobody", now: now).contacts.isEmpty)
    }

    @Test func aProbeUnansweredWithinTheTimeoutIsAMiss() async throws {
        try bind("sip:alice@gw.example", "sip:alice@192.0.2.10:5062")
        let service = ContactProbeService(store: store, dialPlans: dialPlans, prober: SilentContact(),
                                          settings: .init(interval: .seconds(5), missesToDown: 1, timeout: .milliseconds(100)),
                                          logger: Logger(label: "test"))
        let started = ContinuousClock.now
        await service.probeRound(now: now)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await service.reachability(ofEndpoint: "alice", now: now).isReachable == false)
    }
}
