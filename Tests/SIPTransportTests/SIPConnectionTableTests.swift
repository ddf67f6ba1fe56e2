import NIOCore
import Testing

@testable import SIPTransport

@Suite struct SIPConnectionTableTests {
    let phone = SIPConnectionKey(remote: try! SocketAddress(ipAddress: "198.51.100.4", port: 51_234), transport: .tcp)
    let trunk = SIPConnectionKey(remote: try! SocketAddress(ipAddress: "203.0.113.9", port: 5061), transport: .tls)

    @Test func findsAPeerByTheKeyOfTheConnectionItOpened() {
        var table = SIPConnectionTable<String>()
        table.insert("phone", id: SIPConnectionID(rawValue: 1), key: phone, isInbound: true)
        table.insert("trunk", id: SIPConnectionID(rawValue: 2), key: trunk, isInbound: false)
        #expect(table.entry(for: phone)?.connection == "phone")
        #expect(table.entry(for: phone)?.isInbound == true)
        #expect(table.entry(for: trunk)?.connection == "trunk")
        // Same address, other transport: not the same flow.
        #expect(table.entry(for: SIPConnectionKey(remote: phone.remote, transport: .tls)) == nil)
        #expect(table.count == 2)
        #expect(table.inboundCount == 1)
        table.remove(SIPConnectionID(rawValue: 1))
        #expect(table.inboundCount == 0)
    }

    @Test func newestConnectionWinsAndOlderOneTakesOverOnClose() {
        var table = SIPConnectionTable<String>()
        table.insert("old", id: SIPConnectionID(rawValue: 1), key: phone, isInbound: true)
        table.insert("new", id: SIPConnectionID(rawValue: 2), key: phone, isInbound: true)
        #expect(table.entry(for: phone)?.connection == "new")
        #expect(table.remove(SIPConnectionID(rawValue: 2))?.connection == "new")
        #expect(table.entry(for: phone)?.connection == "old")
        table.remove(SIPConnectionID(rawValue: 1))
        #expect(table.entry(for: phone) == nil)
        #expect(table.count == 0)
    }

    @Test func findsByIDForResponsesAndIgnoresUnknownRemovals() {
        var table = SIPConnectionTable<String>()
        table.insert("phone", id: SIPConnectionID(rawValue: 5), key: phone, isInbound: true)
        #expect(table.entry(SIPConnectionID(rawValue: 5))?.key == phone)
        #expect(table.remove(SIPConnectionID(rawValue: 6)) == nil)
        #expect(table.count == 1)
    }
}
