import AdminAPI
import Foundation
import SIPCore

/// The last calls that ended, as the admin API shows them, so `GET /calls/{id}` still answers
/// (with the timeline) after a call is gone from the call layer: a bounded ring, the oldest call
/// dropped first, found by any of its legs' Call-IDs. Kept beside the call records (which are
/// in SQLite and carry no timeline).
///
/// A call is kept as its ``CallSummary`` (values, no text): the admin API's view is made when
/// asked. Adding costs one hash of the call's id and a scan of the ring's hashes (to replace a
/// call kept before under the same id); finding by a leg's Call-ID scans the ring (the admin
/// API asks rarely, calls end thousands of times a second).
struct RecentCalls: Sendable {
    /// One kept call: as the admin API shows it, or as the call left it.
    enum Entry: Sendable {
        case call(AdminCall)
        case summary(CallSummary)

        var id: String {
            switch self {
            case .call(let call): call.id
            case .summary(let summary): summary.id
            }
        }

        func hasCallID(_ callID: String) -> Bool {
            switch self {
            case .call(let call): call.id == callID || call.legs.contains(callID)
            case .summary(let summary): summary.id == callID || summary.legCallIDs.contains(callID)
            }
        }

        var adminCall: AdminCall {
            switch self {
            case .call(let call): call
            case .summary(let summary): summary.admin(timeline: true)
            }
        }
    }

    /// Calls kept.
    let capacity: Int
    /// The calls, with their id's hash and when they were added (the newest match wins).
    private var ring: [(entry: Entry, hash: Int, order: Int)] = []
    /// The next slot to overwrite once the ring is full.
    private var next = 0
    /// Calls added so far.
    private var added = 0

    /// An empty ring of `capacity` calls (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Keeps `call`, dropping the oldest when full; a call kept before under the same id is replaced.
    mutating func add(_ call: AdminCall) { add(.call(call)) }

    /// Keeps an ended call, dropping the oldest when full; a call kept before under the same id is replaced.
    mutating func add(_ summary: CallSummary) { add(.summary(summary)) }

    private mutating func add(_ entry: Entry) {
        let id = entry.id
        let hash = id.hashValue
        added += 1
        if let slot = ring.firstIndex(where: { $0.hash == hash && $0.entry.id == id }) {
            ring[slot] = (entry, hash, added)
            return
        }
        if ring.count < capacity {
            ring.append((entry, hash, added))
            return
        }
        ring[next] = (entry, hash, added)
        next = (next + 1) % capacity
    }

    /// The call one of whose legs has this Call-ID (the one kept last, if several).
    func call(id: String) -> AdminCall? {
        var found: (entry: Entry, order: Int)?
        for kept in ring where kept.order > (found?.order ?? 0) && kept.entry.hasCallID(id) {
            found = (kept.entry, kept.order)
        }
        return found?.entry.adminCall
    }

    /// The calls kept.
    var count: Int { ring.count }
}

/// A call as the admin API will show it, in values: the caller's INVITE (From and Request-URI
/// are read when asked), the state, the legs' Call-IDs and the compact timeline. A class: the
/// ring moves a pointer, not the values.
final class CallSummary: Sendable {
    /// The caller leg's Call-ID.
    let id: String
    let invite: SIPMessage
    /// The caller as the dial plan named it (when the From has no user).
    let caller: String
    let state: String
    let startedAt: Date
    /// The outbound legs' Call-IDs, in no order.
    let legCallIDs: [String]
    let timeline: CallTimeline

    init(id: String, invite: SIPMessage, caller: String, state: String, startedAt: Date, legCallIDs: [String],
         timeline: CallTimeline) {
        self.id = id
        self.invite = invite
        self.caller = caller
        self.state = state
        self.startedAt = startedAt
        self.legCallIDs = legCallIDs
        self.timeline = timeline
    }

    /// The call as the admin API shows it; the timeline only when asked for.
    func admin(timeline withTimeline: Bool) -> AdminCall {
        let from = (try? invite.from)?.sipURI?.decodedUser ?? caller
        let to = (try? invite.requestURI)?.sipURI?.decodedUser ?? ""
        return AdminCall(id: id, from: from, to: to, state: state, startedAt: startedAt, legs: [id] + legCallIDs.sorted(),
                         timeline: withTimeline ? timeline.adminEvents(startedAt: startedAt) : [])
    }
}
