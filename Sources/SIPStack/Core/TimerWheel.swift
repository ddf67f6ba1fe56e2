/// A timer that ``TimerWheel`` holds: its slot in the wheel's node table and the generation the
/// slot had when the timer was scheduled. A handle whose timer fired or was cancelled goes stale
/// (the slot's generation moves on), so it can never cancel a later timer that reuses the slot.
public struct TimerHandle: Hashable, Sendable {
    let index: Int32
    let generation: UInt32
}

/// A hashed timing wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels", scheme 6):
/// O(1) schedule and cancel, firing in deadline order at tick resolution. Pure: the caller gives
/// the time (nanoseconds on a monotonic clock) and runs what ``popExpired(now:)`` returns.
///
/// Time is cut in ticks of ``resolution`` from ``origin``; tick `n` is the instant
/// `origin + n·resolution`. A timer due at `d` goes to the first tick at or after `d`, in slot
/// `tick mod slotCount`, so it never fires early and fires at most one resolution after `d` once
/// the caller asks at that tick (plus however late the caller asks). A delay longer than the
/// wheel's span (`slotCount · resolution`) shares a slot with nearer timers and is skipped while
/// the wheel turns past it (its absolute tick is kept, so there is no rounds counter to decrement).
///
/// Timers due in the same tick fire in the order they were scheduled. A timer scheduled for a tick
/// already reached (a zero or negative delay, a deadline in the past) goes to the next tick: it
/// fires at the next ``popExpired(now:)`` that reaches that tick, never inside the scan that is
/// running, so a timer that reschedules itself cannot loop.
///
/// Nodes live in one array with a free list and per-slot doubly linked lists of indices, so a
/// timer costs no allocation once the table has grown to the peak number of live timers.
public struct TimerWheel<Payload> {
    /// Nanoseconds per tick.
    public let resolution: UInt64
    /// The instant of tick 0 (nanoseconds).
    public let origin: UInt64
    /// The number of slots (a power of two).
    public let slotCount: Int

    struct Node {
        var previous: Int32
        var next: Int32
        var tick: Int64
        var generation: UInt32
        var payload: Payload?
    }

    private var nodes: [Node] = []
    private var heads: [Int32]
    private var tails: [Int32]
    private var freeHead: Int32 = -1
    /// The tick whose slot is being (or was last) scanned; every earlier slot is done.
    private(set) var currentTick: Int64 = 0
    /// The next node of the current slot to examine (-1: the slot is done).
    private var scanNext: Int32 = -1
    /// Live timers.
    public private(set) var count = 0

    /// A wheel starting at `origin` with ticks of `resolution` nanoseconds and `slotCount` slots
    /// (rounded up to a power of two).
    public init(origin: UInt64, resolution: UInt64, slotCount: Int) {
        precondition(resolution > 0 && slotCount > 0, "a wheel needs a positive resolution and slot count")
        var slots = 1
        while slots < slotCount { slots <<= 1 }
        self.origin = origin
        self.resolution = resolution
        self.slotCount = slots
        self.heads = Array(repeating: -1, count: slots)
        self.tails = Array(repeating: -1, count: slots)
    }

    public var isEmpty: Bool { count == 0 }

    /// The instant (nanoseconds) of `tick`.
    public func time(ofTick tick: Int64) -> UInt64 {
        origin &+ UInt64(max(0, tick)) &* resolution
    }

    /// The last tick at or before `now`.
    func tick(atOrBefore now: UInt64) -> Int64 {
        now <= origin ? 0 : Int64((now - origin) / resolution)
    }

    /// Schedules `payload` at `deadline` (nanoseconds); see the type's comment for when it fires.
    public mutating func schedule(at deadline: UInt64, _ payload: Payload) -> TimerHandle {
        var tick = deadline <= origin ? 0 : Int64((deadline - origin + resolution - 1) / resolution)
        tick = max(tick, currentTick + 1)
        let index = allocate()
        nodes[index].tick = tick
        nodes[index].payload = payload
        append(Int32(index), toSlot: slot(of: tick))
        count += 1
        return TimerHandle(index: Int32(index), generation: nodes[index].generation)
    }

    /// Schedules `payload` `delay` nanoseconds after `now` (a negative delay: at the next tick).
    public mutating func schedule(after delay: Int64, now: UInt64, _ payload: Payload) -> TimerHandle {
        let deadline = delay <= 0 ? now : now &+ UInt64(delay)
        return schedule(at: deadline, payload)
    }

    /// True while the timer of `handle` has neither fired nor been cancelled.
    public func isScheduled(_ handle: TimerHandle) -> Bool {
        let index = Int(handle.index)
        return index >= 0 && index < nodes.count && nodes[index].generation == handle.generation
            && nodes[index].payload != nil
    }

    /// Cancels the timer of `handle` in O(1) and returns its payload; nil for a stale handle
    /// (fired, cancelled, or its slot reused since).
    @discardableResult
    public mutating func cancel(_ handle: TimerHandle) -> Payload? {
        guard isScheduled(handle) else { return nil }
        return remove(handle.index)
    }

    /// Removes and returns the next timer due at or before `now`, in deadline (tick) order; nil
    /// when none is left. Call it until nil; the payload may schedule and cancel meanwhile.
    public mutating func popExpired(now: UInt64) -> Payload? {
        let target = tick(atOrBefore: now)
        if count == 0 {
            if target > currentTick {
                currentTick = target
                scanNext = -1
            }
            return nil
        }
        while true {
            while scanNext >= 0 {
                let index = scanNext
                scanNext = nodes[Int(index)].next
                if nodes[Int(index)].tick <= currentTick { return remove(index) }
            }
            guard currentTick < target, count > 0 else {
                if count == 0, target > currentTick { currentTick = target }
                return nil
            }
            currentTick += 1
            scanNext = heads[slot(of: currentTick)]
        }
    }

    /// The first tick after the current one whose slot holds a timer: no timer is due before it
    /// (the slot may hold only timers a turn or more later). Nil when the wheel is empty.
    public func nextOccupiedTick() -> Int64? {
        guard count > 0 else { return nil }
        if scanNext >= 0 { return currentTick }
        var tick = currentTick + 1
        for _ in 0..<slotCount {
            if heads[slot(of: tick)] >= 0 { return tick }
            tick += 1
        }
        return nil
    }

    // MARK: Node table

    private func slot(of tick: Int64) -> Int { Int(tick & Int64(slotCount - 1)) }

    private mutating func allocate() -> Int {
        if freeHead >= 0 {
            let index = Int(freeHead)
            freeHead = nodes[index].next
            nodes[index].generation &+= 1
            return index
        }
        precondition(nodes.count < Int(Int32.max), "timer wheel node table full")
        nodes.append(Node(previous: -1, next: -1, tick: 0, generation: 0, payload: nil))
        return nodes.count - 1
    }

    private mutating func append(_ index: Int32, toSlot slot: Int) {
        let tail = tails[slot]
        nodes[Int(index)].previous = tail
        nodes[Int(index)].next = -1
        if tail >= 0 { nodes[Int(tail)].next = index } else { heads[slot] = index }
        tails[slot] = index
    }

    private mutating func remove(_ index: Int32) -> Payload? {
        let i = Int(index)
        let slot = slot(of: nodes[i].tick)
        let (previous, next) = (nodes[i].previous, nodes[i].next)
        if previous >= 0 { nodes[Int(previous)].next = next } else { heads[slot] = next }
        if next >= 0 { nodes[Int(next)].previous = previous } else { tails[slot] = previous }
        if scanNext == index { scanNext = next }
        let payload = nodes[i].payload
        nodes[i].payload = nil
        nodes[i].generation &+= 1
        nodes[i].previous = -1
        nodes[i].next = freeHead
        freeHead = index
        count -= 1
        return payload
    }
}
