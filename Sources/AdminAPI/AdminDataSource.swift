/// Where the admin API gets its data. `GatewayService` implements it; the API itself never reaches
/// into the gateway, so a test (or another composition) can serve the same endpoints from any source.
public protocol AdminDataSource: Sendable {
    /// `GET /status`.
    func status() async -> AdminStatus
    /// `GET /registrations`: every binding that has not expired.
    func registrations() async -> [AdminRegistration]
    /// `GET /calls`: the calls in progress.
    func calls() async -> [AdminCall]
    /// `GET /calls/{id}`: one call in progress or recently ended; `nil` when unknown.
    func call(id: String) async -> AdminCall?
    /// `POST /reload`: reloads the dial plan now.
    func reload() async -> AdminReloadResult
    /// `POST /route/explain`: how the running dial plan routes a call.
    func explain(_ query: AdminExplainQuery) async -> AdminExplainResult
    /// `GET /calls/{id}/pcap`: the call's SIP messages as a libpcap file; `nil` when not traced.
    func pcap(callID: String) async -> [UInt8]?
    /// `GET /metrics`: Prometheus text exposition format 0.0.4.
    func metrics() async -> String
    /// `GET /cdrs`: call records matching `query`, newest first; an ``AdminRequestError`` for a
    /// filter the source cannot apply (an unknown outcome).
    func callRecords(matching query: AdminCallRecordQuery) async throws -> [AdminCallRecord]
    /// `GET /bans`: the active bans.
    func bans() async -> [AdminBan]
    /// `DELETE /bans/{source}`: lifts the ban on `source`; whether one was active. An
    /// ``AdminRequestError`` when `source` is not an address.
    func liftBan(_ source: String) async throws -> Bool
}
