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
            forget(ring[slot])
            ring[slot] = call
            remember(call, at: slot)
            return
        }
        if ring.count < capacity {
            ring.append(call)
            remember(call, at: ring.count - 1)
            return
        }
        forget(ring[next])
        ring[next] = call
        remember(call, at: next)
        next = (next + 1) % capacity
    }

    /// The call one of whose legs has this Call-ID.
    func call(id: String) -> AdminCall? {
        slots[id].map { ring[$0] }
    }

    /// The calls kept.
    var count: Int { ring.count }

    private mutating func remember(_ call: AdminCall, at slot: Int) {
        for id in call.legs + [call.id] { slots[id] = slot }
    }

    private mutating func forget(_ call: AdminCall) {
        for id in call.legs + [call.id] where slots[id].map({ ring[$0].id == call.id }) == true { slots[id] = nil }
    }
}
