import AdminAPI

/// The last calls that ended, as the admin API shows them, so `GET /calls/{id}` still answers
/// (with the timeline) after a call is gone from the call layer: a bounded ring, the oldest call
/// dropped first, found by any of its legs' Call-IDs. Kept beside the call records (which are
/// in SQLite and carry no timeline).
struct RecentCalls: Sendable {
    /// Calls kept.
    let capacity: Int
    private var ring: [AdminCall] = []
    /// The next slot to overwrite once the ring is full.
    private var next = 0
    /// Every leg's Call-ID → the call's slot in ``ring``.
    private var slots: [String: Int] = [:]

    /// An empty ring of `capacity` calls (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Keeps `call`, dropping the oldest when full; a call kept before under the same id is replaced.
    mutating func add(_ call: AdminCall) {
        if let slot = slots[call.id], ring[slot].id == call.id {
            forget(slot: slot)
            remember(call, at: slot)
            ring[slot] = call
            return
        }
        if ring.count < capacity {
            remember(call, at: ring.count)
            ring.append(call)
            return
        }
        forget(slot: next)
        remember(call, at: next)
        ring[next] = call
        next = (next + 1) % capacity
    }

    /// The call one of whose legs has this Call-ID.
    func call(id: String) -> AdminCall? {
        slots[id].map { ring[$0] }
    }

    /// The calls kept.
    var count: Int { ring.count }

    /// Maps the call's Call-IDs to `slot` (no array built: this runs once per call).
    private mutating func remember(_ call: AdminCall, at slot: Int) {
        for id in call.legs { slots[id] = slot }
        slots[call.id] = slot
    }

    /// Unmaps the Call-IDs of the call in `slot` that still name it.
    private mutating func forget(slot: Int) {
        let callID = ring[slot].id
        for id in ring[slot].legs where slots[id].map({ ring[$0].id == callID }) == true { slots[id] = nil }
        if slots[callID].map({ ring[$0].id == callID }) == true { slots[callID] = nil }
    }
}
