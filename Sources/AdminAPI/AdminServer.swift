import Foundation
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP API: a Hummingbird application on a local address, every route behind the
/// bearer token, data from an ``AdminDataSource``. The application is a swift-service-lifecycle
/// `Service`: put it in the gateway's `ServiceGroup`.
///
/// | Route | Answer |
/// |---|---|
/// | `GET /status` | ``AdminStatus`` |
/// | `GET /registrations` | `[AdminRegistration]` |
/// | `GET /calls`, `GET /calls/{id}` | `[AdminCall]`, ``AdminCall`` (404 when unknown) |
/// | `GET /calls/{id}/pcap` | the call's SIP trace, `application/vnd.tcpdump.pcap` (404 when not traced) |
/// | `POST /reload` | ``AdminReloadResult`` (422 when rejected) |
/// | `POST /route/explain` | ``AdminExplainResult`` for an ``AdminExplainQuery`` body (422 when it cannot) |
/// | `GET /metrics` | Prometheus text format 0.0.4 |
/// | `GET /cdrs` | `[AdminCallRecord]` filtered by ``AdminCallRecordQuery``; `?format=csv`: ``AdminCSV`` (400 on a bad filter) |
/// | `GET /bans` | `[AdminBan]` |
/// | `DELETE /bans/{source}` | ``AdminBanLift`` (404 when no ban, 400 when not an address) |
public enum AdminServer {
    /// Largest request body read (an explain query is a few hundred bytes).
    public static let maxRequestBody = 64 * 1024

    /// The router with every route and the token check.
    public static func router(source: any AdminDataSource, token: String) -> Router<BasicRequestContext> {
        let router = Router()
        // Method and path only at debug: never the Authorization header.
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: BearerTokenMiddleware(token: token))
        router.get("status") { _, _ in AdminResponses.json(await source.status()) }
        router.get("registrations") { _, _ in AdminResponses.json(await source.registrations()) }
        router.get("calls") { _, _ in AdminResponses.json(await source.calls()) }
        router.get("calls/:id") { _, context in
            let id = try callID(context)
            guard let call = await source.call(id: id) else { return AdminResponses.error(.notFound, "no call \(id)") }
            return AdminResponses.json(call)
        }
        router.get("calls/:id/pcap") { _, context in
            let id = try callID(context)
            guard let pcap = await source.pcap(callID: id) else { return AdminResponses.error(.notFound, "no trace for call \(id)") }
            let name = String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
            return AdminResponses.bytes(pcap, contentType: "application/vnd.tcpdump.pcap",
                                        headers: [.contentDisposition: "attachment; filename=\"\(name).pcap\""])
        }
        router.post("reload") { _, _ in
            let result = await source.reload()
            return AdminResponses.json(result, status: result.outcome == "rejected" ? .unprocessableContent : .ok)
        }
        router.post("route/explain") { request, _ in
            let body = try await request.body.collect(upTo: maxRequestBody)
            let query: AdminExplainQuery
            do { query = try AdminJSON.decoder.decode(AdminExplainQuery.self, from: body) } catch {
                return AdminResponses.error(.badRequest, "expected {\"from\": ..., \"to\": ...}: \(error)")
            }
            let result = await source.explain(query)
            return AdminResponses.json(result, status: result.ok ? .ok : .unprocessableContent)
        }
        router.get("metrics") { _, _ in
            AdminResponses.bytes(Array(await source.metrics().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("cdrs") { request, _ in
            let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            let format = parameters.last { $0.name == "format" }?.value ?? "json"
            guard format == "json" || format == "csv" else { return AdminResponses.error(.badRequest, "format must be json or csv") }
            let records: [AdminCallRecord]
            do {
                records = try await source.callRecords(matching: try AdminCallRecordQuery(parameters: parameters))
            } catch let error as AdminRequestError {
                return AdminResponses.error(.badRequest, error.description)
            }
            guard format == "csv" else { return AdminResponses.json(records) }
            return AdminResponses.bytes(Array(AdminCSV.callRecords(records).utf8), contentType: "text/csv; charset=utf-8",
                                        headers: [.contentDisposition: "attachment; filename=\"cdrs.csv\""])
        }
        router.get("bans") { _, _ in AdminResponses.json(await source.bans()) }
        router.delete("bans/:source") { _, context in
            let raw = try context.parameters.require("source")
            let address = raw.removingPercentEncoding ?? raw
            do {
                guard try await source.liftBan(address) else { return AdminResponses.error(.notFound, "no ban on \(address)") }
            } catch let error as AdminRequestError {
                return AdminResponses.error(.badRequest, error.description)
            }
            return AdminResponses.json(AdminBanLift(source: address, lifted: true))
        }
        return router
    }

    /// The `{id}` segment, percent-decoded: a Call-ID may hold `/`, `?`, `%` (RFC 3261 §25.1 `word`),
    /// which a client encodes to keep it one path segment (RFC 3986 §3.3).
    static func callID(_ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// The application listening on `host:port` (port 0: an ephemeral one); `onListening` gets
    /// the bound address once the socket is open.
    public static func application(
        host: String, port: Int, source: any AdminDataSource, token: String, logger: Logger,
        onListening: @escaping @Sendable (SocketAddress) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: router(source: source, token: token),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "gatehouse"),
            onServerRunning: { channel in
                if let address = channel.localAddress { await onListening(address) }
            },
            logger: logger)
    }
}
