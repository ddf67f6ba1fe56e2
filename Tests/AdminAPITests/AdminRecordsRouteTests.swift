import AdminAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /cdrs` (filters, CSV), `GET /bans`, `DELETE /bans/{source}` in process.
@Suite struct AdminRecordsRouteTests {
    let token = "secret-token"
    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }

    func withRouter(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: AdminServer.router(source: FixedSource(), token: token))
        try await app.test(.router, body)
    }

    @Test func cdrsAreJSONAndFiltered() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/cdrs", method: .get) { response in #expect(response.status == .unauthorized) }
            try await client.execute(uri: "/cdrs", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let decoded = try AdminJSON.decoder.decode([AdminCallRecord].self, from: response.body)
                #expect(decoded == [FixedSource.record])
            }
            try await client.execute(uri: "/cdrs?caller=%3Dfront-door&from=2027-01-15T08:00:00Z&limit=5", method: .get, headers: auth) { response in
                let decoded = try AdminJSON.decoder.decode([AdminCallRecord].self, from: response.body)
                #expect(decoded.count == 1)
            }
            try await client.execute(uri: "/cdrs?caller=someone-else", method: .get, headers: auth) { response in
                let decoded = try AdminJSON.decoder.decode([AdminCallRecord].self, from: response.body)
                #expect(decoded.isEmpty)
            }
            try await client.execute(uri: "/cdrs?from=1900000000", method: .get, headers: auth) { response in
                let decoded = try AdminJSON.decoder.decode([AdminCallRecord].self, from: response.body)
                #expect(decoded.isEmpty)
            }
        }
    }

    @Test func badFiltersAre400WithTheReason() async throws {
        try await withRouter { [auth] client in
            for (uri, words) in [("/cdrs?limit=0", "limit"), ("/cdrs?limit=5000", "limit"), ("/cdrs?from=yesterday", "ISO 8601"),
                                 ("/cdrs?colour=red", "unknown parameter"), ("/cdrs?outcome=bogus", "outcome"),
                                 ("/cdrs?format=xml", "format")] {
                try await client.execute(uri: uri, method: .get, headers: auth) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(String(buffer: response.body).contains(words), "\(uri)")
                }
            }
        }
    }

    @Test func cdrsAsCSV() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/cdrs?format=csv", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: response.body).components(separatedBy: "\r\n")
                #expect(lines.first == AdminCSV.columns.joined(separator: ","))
                #expect(lines[1] == "7,cdr-1@host,'=front-door,101,doors,answered,2027-01-15T08:00:00Z,2027-01-15T08:00:02Z,"
                    + "2027-01-15T08:01:02Z,caller,200,16,60.000,PCMU,opus,\"alice, desk:200\"")
                #expect(lines.count == 3 && lines[2].isEmpty)
            }
        }
    }

    /// RFC 4180 §2.6–2.7 quoting, and no spreadsheet formula from a peer-chosen name.
    @Test func csvFieldsAreQuotedAndDefused() {
        #expect(AdminCSV.field("plain") == "plain")
        #expect(AdminCSV.field("a,b") == "\"a,b\"")
        #expect(AdminCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AdminCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(AdminCSV.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(AdminCSV.field("+4930123") == "+4930123")
        #expect(AdminCSV.field("-12.5") == "-12.5")
    }

    @Test func theCLIQueryStringRoundTrips() throws {
        let query = AdminCallRecordQuery(from: Date(timeIntervalSince1970: 1_800_000_000), caller: "a+b c", outcome: "failed", limit: 7)
        let text = query.queryString
        #expect(text.hasPrefix("?") && text.contains("a%2Bb%20c"))
        let items = URLComponents(string: "/cdrs" + text)?.queryItems ?? []
        let parsed = try AdminCallRecordQuery(parameters: items.map { (name: $0.name, value: $0.value ?? "") })
        #expect(parsed == query)
        #expect(AdminCallRecordQuery().queryString == "")
    }

    @Test func bansListAndLift() async throws {
        try await withRouter { [auth] client in
            try await client.execute(uri: "/bans", method: .get, headers: auth) { response in
                let decoded = try AdminJSON.decoder.decode([AdminBan].self, from: response.body)
                #expect(decoded == [FixedSource.ban])
            }
            try await client.execute(uri: "/bans/192.0.2.66", method: .delete) { response in #expect(response.status == .unauthorized) }
            try await client.execute(uri: "/bans/192.0.2.66", method: .delete, headers: auth) { response in
                #expect(response.status == .ok)
                let decoded = try AdminJSON.decoder.decode(AdminBanLift.self, from: response.body)
                #expect(decoded == AdminBanLift(source: "192.0.2.66", lifted: true))
            }
            try await client.execute(uri: "/bans/192.0.2.67", method: .delete, headers: auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/bans/nonsense", method: .delete, headers: auth) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func textTables() {
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        #expect(AdminText.bans([], now: now) == "no bans\n")
        #expect(AdminText.bans([FixedSource.ban], now: now).contains("192.0.2.66  authenticationFailures"))
        #expect(AdminText.bans([FixedSource.ban], now: now).hasSuffix("58m20s\n"))
        #expect(AdminText.callRecords([]) == "no call records\n")
        let table = AdminText.callRecords([FixedSource.record]).split(separator: "\n")
        #expect(table.first?.hasPrefix("STARTED") == true)
        #expect(table.last?.contains("=front-door  101     answered  200     1m00s   caller") == true)
    }
}
