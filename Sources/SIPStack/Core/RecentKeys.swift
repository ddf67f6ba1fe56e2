/// The last `capacity` distinct keys, with O(1) insertion, lookup and eviction of the oldest
/// (a set and a ring of insertion order).
struct RecentKeys<Key: Hashable> {
    let capacity: Int
    private(set) var members = Set<Key>()
    private var ring: [Key] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func contains(_ key: Key) -> Bool { members.contains(key) }

    var count: Int { members.count }

    /// Adds `key`; when full, the oldest key is forgotten.
    mutating func insert(_ key: Key) {
        guard members.insert(key).inserted else { return }
        if ring.count < capacity {
            ring.append(key)
        } else {
            members.remove(ring[next])
            ring[next] = key
            next = (next + 1) % capacity
        }
    }
}
