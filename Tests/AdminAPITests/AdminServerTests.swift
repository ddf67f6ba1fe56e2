import AdminAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A data source with fixed answers: the routes, the token check and the encodings, in process.
struct FixedSource: AdminDataSource {
    static let call = AdminCall(id: "call-1@host", from: "front-door", to: "101", state: "answered",
                                startedAt: Date(timeIntervalSince1970: 1_800_000_000), legs: ["call-1@host", "b-1@gw"],
                                timeline: [.init(time: Date(timeIntervalSince1970: 1_800_000_000), kind: "route", detail: "line 57")])

    func status() async -> AdminStatus {
        AdminStatus(version: "test", uptimeSeconds: 5, registrations: 2, trunks: [AdminTrunk(name: "carrier", registers: true, state: "unknown")],
                    callsInProgress: 1, dialPlanVersion: 3, dialPlanPath: "plan.yaml", draining: false)
    }
    func registrations() async -> [AdminRegistration] {
        [AdminRegistration(aor: "sip:alice@gw", contact: "<sip:alice@192.0.2.10:5062>", transport: "udp",
                           source: "192.0.2.10:5062", expiresIn: 300, userAgent: nil)]
    }
    func calls() async -> [AdminCall] { [Self.call] }
    func call(id: String) async -> AdminCall? { id == Self.call.id ? Self.call : nil }
    func reload() async -> AdminReloadResult { AdminReloadResult(outcome: "rejected", version: 3, messages: ["plan.yaml:4:3: error"]) }
    func explain(_ query: AdminExplainQuery) async -> AdminExplainResult {
        query.to == "101" ? AdminExplainResult(ok: true, text: "from \(query.from)") : AdminExplainResult(ok: false, text: "", error: "no route")
    }
    func pcap(callID: String) async -> [UInt8]? { callID == Self.call.id ? [0xD4, 0xC3, 0xB2, 0xA1] : nil }
    func metrics() async -> String { "gatehouse_registrations 2\n" }

    static let record = AdminCallRecord(
        id: 7, callID: "cdr-1@host", caller: "=front-door", called: "101", route: "doors", outcome: "answered",
        startedAt: Date(timeIntervalSince1970: 1_800_000_000), answeredAt: Date(timeIntervalSince1970: 1_800_000_002),
        endedAt: Date(timeIntervalSince1970: 1_800_000_062), endedBy: "caller", status: 200, q850Cause: 16,
        billableSeconds: 60, callerCodec: "PCMU", calleeCodec: "opus", legs: [.init(target: "alice, desk", outcome: "200", status: 200)])
    static let ban = AdminBan(source: "192.0.2.66", reason: "authenticationFailures",
                              since: Date(timeIntervalSince1970: 1_800_000_000), until: Date(timeIntervalSince1970: 1_800_003_600))

    /// Answers only a query it recognises, so a test sees the parameters were parsed.
    func callRecords(matching query: AdminCallRecordQuery) async throws -> [AdminCallRecord] {
        if query.outcome == "bogus" { throw AdminRequestError("outcome must be one of answered, ...") }
        guard query.caller == nil || query.caller == Self.record.caller else { return [] }
        guard query.from.map({ $0 <= Self.record.startedAt }) ?? true else { return [] }
        return Array([Self.record].prefix(query.limit))
    }
    func bans() async -> [AdminBan] { [Self.ban] }
    func liftBan(_ source: String) async throws -> Bool {
        guard source.contains(".") || source.contains(":") else { throw AdminRequestError("'\(source)' is not an address") }
        return source == Self.ban.source
    }
}

/// A source whose one call has a Call-ID full of URI-reserved characters.
struct OddIDSource: AdminDataSource {
    static let id = "a/b?c%d\"e@host"
    func status() async -> AdminStatus { await FixedSource().status() }
    func registrations() async -> [AdminRegistration] { [] }
    func calls() async -> [AdminCall] { [] }
    func call(id: String) async -> AdminCall? { id == Self.id ? FixedSource.call : nil }
    func reload() async -> AdminReloadResult { await FixedSource().reload() }
    func explain(_ query: AdminExplainQuery) async -> AdminExplainResult { await FixedSource().explain(query) }
    func pcap(callID: String) async -> [UInt8]? { callID == Self.id ? [1] : nil }
    func metrics() async -> String { "" }
    func callRecords(matching query: AdminCallRecordQuery) async throws -> [AdminCallRecord] { [] }
    func bans() async -> [AdminBan] { [] }
    func liftBan(_ source: String) async throws -> Bool { false }
}

@Suite struct AdminServerTests {
    let token = "secret-token"
    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }

    func withRouter(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: AdminServer.router(source: FixedSource(), token: token))
        try await app.test(.router, body)
    }

    @Test func everyRouteNeedsTheBearerToken() async throws {
        try await withRouter { client in
            for (uri, method) in [("/status", HTTPRequest.Method.get), ("/calls", .get), ("/reload", .post), ("/metrics", .get)] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"gatehouse\"")
                }
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer secret-tokeN"]) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Basic \(token)"]) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
    }

    @Test func statusAndListsAreJSON() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/status", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let status = try AdminJSON.decoder.decode(AdminStatus.self, from: response.body)
                #expect(status == (await FixedSource().status()))
            }
            try await client.execute(uri: "/registrations", method: .get, headers: auth) { response in
                let list = try AdminJSON.decoder.decode([AdminRegistration].self, from: response.body)
                #expect(list.map(\.aor) == ["sip:alice@gw"])
            }
            try await client.execute(uri: "/calls", method: .get, headers: auth) { response in
                let calls = try AdminJSON.decoder.decode([AdminCall].self, from: response.body)
                #expect(calls == [FixedSource.call])
            }
        }
    }

    @Test func oneCallByIDOr404() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/calls/call-1@host", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let call = try AdminJSON.decoder.decode(AdminCall.self, from: response.body)
                #expect(call.timeline.first?.detail == "line 57")
            }
            try await client.execute(uri: "/calls/nope", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no call nope"))
            }
        }
    }

    /// RFC 3261 §25.1: a Call-ID may hold `/`, `?`, `%` and quotes; the CLI percent-encodes it as one segment.
    @Test func aCallIDWithReservedCharactersIsOnePercentEncodedSegment() async throws {
        let app = Application(router: AdminServer.router(source: OddIDSource(), token: token))
        try await app.test(.router) { [auth] client in
            try await client.execute(uri: "/calls/a%2Fb%3Fc%25d%22e@host", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/calls/a%2Fb%3Fc%25d%22e@host/pcap", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"a_b_c_d_e_host.pcap\"")
            }
        }
    }

    @Test func pcapIsBinaryWithAFileName() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/calls/call-1@host/pcap", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/vnd.tcpdump.pcap")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"call-1_host.pcap\"")
                #expect(Array(buffer: response.body) == [0xD4, 0xC3, 0xB2, 0xA1])
            }
            try await client.execute(uri: "/calls/other/pcap", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func rejectedReloadIs422WithTheErrors() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/reload", method: .post, headers: auth) { response in
                #expect(response.status == .unprocessableContent)
                let result = try AdminJSON.decoder.decode(AdminReloadResult.self, from: response.body)
                #expect(result.messages == ["plan.yaml:4:3: error"])
            }
        }
    }

    @Test func explainTakesAJSONQuery() async throws {
        try await withRouter { [auth] client in
            let good = ByteBuffer(string: #"{"from": "front-door", "to": "101"}"#)
            try await client.execute(uri: "/route/explain", method: .post, headers: auth, body: good) { response in
                #expect(response.status == .ok)
                let result = try AdminJSON.decoder.decode(AdminExplainResult.self, from: response.body)
                #expect(result.text == "from front-door")
            }
            let unroutable = ByteBuffer(string: #"{"from": "front-door", "to": "999"}"#)
            try await client.execute(uri: "/route/explain", method: .post, headers: auth, body: unroutable) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/route/explain", method: .post, headers: auth, body: ByteBuffer(string: "{\"to\": 1}")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func metricsArePrometheusText() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/metrics", method: .get, headers: auth) { response in
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(buffer: response.body) == "gatehouse_registrations 2\n")
            }
        }
    }
}
