import Testing
@testable import Registrar

private func binding(_ contact: String, from address: String, port: Int, transport: String = "UDP") -> Binding {
    Binding(aor: "sip:1001@gatehouse.test", key: "uri:\(contact)", contact: contact, q: nil, expiresAt: 10_000,
            callID: "c", cseq: 1, source: BindingSource(transport: transport, address: address, port: port), updatedAt: 0)
}

@Test func onlyNattedUDPContactsAreKeptAliveAtTheInterval() {
    let natted = binding("sip:1001@10.0.0.5:5062", from: "198.51.100.7", port: 40_000)
    let direct = binding("sip:1001@192.0.2.10:5062", from: "192.0.2.10", port: 5062)
    let defaultPort = binding("sip:1001@192.0.2.11", from: "192.0.2.11", port: 5060)
    let tcp = binding("sip:1001@10.0.0.6:5062;transport=tcp", from: "198.51.100.8", port: 40_001, transport: "TCP")
    #expect(natted.isBehindNAT)
    #expect(!direct.isBehindNAT)
    #expect(!defaultPort.isBehindNAT)
    var scheduler = KeepAliveScheduler(interval: 30)
    let all = [natted, direct, defaultPort, tcp]
    #expect(scheduler.due(all, now: 100) == [natted])
    #expect(scheduler.due(all, now: 129).isEmpty)
    #expect(scheduler.due(all, now: 130) == [natted])
    var withTCP = KeepAliveScheduler(interval: 30, includeConnectionOriented: true)
    #expect(withTCP.due(all, now: 100) == [natted, tcp])
}
