/// The order in which SRV targets are tried (RFC 2782 "Usage rules"): lowest priority first;
/// within one priority, a weighted random order where a record's chance of coming next is its
/// weight over the remaining total (weight-0 records are placed first in the running sum so they
/// get a small chance, as the RFC asks).
public enum SRVOrdering {
    /// `records` in try order. `random(upperBound)` returns a value in `0...upperBound`; tests
    /// pass a deterministic one. A single `.` target (service explicitly unavailable) yields none.
    public static func order(
        _ records: [SRVRecord], random: (UInt32) -> UInt32 = { UInt32.random(in: 0...$0) }
    ) -> [SRVRecord] {
        let usable = records.filter { $0.target != "." && !$0.target.isEmpty }
        let priorities = Set(usable.map(\.priority)).sorted()
        var ordered: [SRVRecord] = []
        ordered.reserveCapacity(usable.count)
        for priority in priorities {
            // Zero weights first, then the rest, as RFC 2782 orders them before the running sum.
            let members = usable.filter { $0.priority == priority }
            var group = members.filter { $0.weight == 0 } + members.filter { $0.weight != 0 }
            while !group.isEmpty {
                let total = group.reduce(UInt32(0)) { $0 + UInt32($1.weight) }
                let pick = random(total)
                var sum: UInt32 = 0
                var chosen = group.count - 1
                for (index, record) in group.enumerated() {
                    sum += UInt32(record.weight)
                    if sum >= pick {
                        chosen = index
                        break
                    }
                }
                ordered.append(group.remove(at: chosen))
            }
        }
        return ordered
    }
}
