import AdminAPI
import CallRecords
import Foundation
import SIPSecurity

/// The admin API's call records, bans and trunk states, read from the running gateway.
@available(macOS 15.0, *)
extension GatewayService {
    /// Store reads run on the ``StorageThreadPool``, never on an event loop.
    public func callRecords(matching query: AdminCallRecordQuery) async throws -> [AdminCallRecord] {
        let filter = try Self.filter(query)
        let store = callRecords
        return try await StorageThreadPool.shared.runIfActive { try store.records(matching: filter) }.map(Self.adminRecord)
    }

    public func bans() async -> [AdminBan] {
        security.activeBans().map(Self.adminBan)
    }

    public func liftBan(_ source: String) async throws -> Bool {
        do {
            let lifted = try security.liftBan(source)
            if lifted { logger.notice("admin API: ban lifted", metadata: ["source": "\(source)"]) }
            return lifted
        } catch .notAnAddress {
            throw AdminRequestError("'\(source)' is not an IPv4 or IPv6 address")
        }
    }

    /// The store filter for an API query; an unknown outcome is a request error.
    static func filter(_ query: AdminCallRecordQuery) throws(AdminRequestError) -> CallRecordFilter {
        var outcome: CallOutcome?
        if let name = query.outcome {
            guard let value = CallOutcome(rawValue: name) else {
                throw AdminRequestError("outcome must be one of \(CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
            }
            outcome = value
        }
        return CallRecordFilter(from: query.from, until: query.until, caller: query.caller, called: query.called,
                                outcome: outcome, limit: min(query.limit, CallRecordFilter.maximumLimit))
    }

    static func adminRecord(_ record: StoredCallRecord) -> AdminCallRecord {
        AdminCallRecord(
            id: record.id, callID: record.callID, caller: record.caller, called: record.called, route: record.route,
            outcome: record.outcome.rawValue, startedAt: record.started, answeredAt: record.answered, endedAt: record.ended,
            endedBy: record.endedBy?.rawValue, status: record.status, q850Cause: record.q850Cause.map(Int.init),
            billableSeconds: record.billableSeconds, callerCodec: record.callerCodec, calleeCodec: record.calleeCodec,
            legs: record.legs.map { AdminCallRecord.Leg(target: $0.target, outcome: $0.outcome, status: $0.status) })
    }

    static func adminBan(_ ban: Ban) -> AdminBan {
        AdminBan(source: ban.source.description, reason: ban.reason.rawValue, since: ban.since, until: ban.until)
    }

    /// A trunk as the status shows it, from the trunk service's health (nil: the service does not run it).
    static func adminTrunk(name: String, registers: Bool, health: TrunkHealth?, now: Int64) -> AdminTrunk {
        guard let health else { return AdminTrunk(name: name, registers: registers, state: "unknown") }
        let state: String
        var until: Date?
        switch health.registration {
        case .notConfigured: state = "not_registering"
        case .registering: state = "registering"
        case .registered(let end):
            // An expired registration not yet refreshed is being renewed.
            state = now < end ? "registered" : "registering"
            until = Date(timeIntervalSince1970: TimeInterval(end))
        case .failed(let retryAt, _):
            state = "failed"
            until = Date(timeIntervalSince1970: TimeInterval(retryAt))
        }
        return AdminTrunk(name: name, registers: registers, state: state, probe: health.probeUp.map { $0 ? "up" : "down" },
                          lastProbeStatus: health.lastProbeStatus, until: until)
    }
}
