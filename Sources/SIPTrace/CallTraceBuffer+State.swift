extension CallTraceBuffer {
    /// One recorded packet without its payload: where its bytes are in its slot's slab.
    /// Plain data (no references), so recording and evicting retain and release nothing.
    struct PacketRecord: Sendable {
        var offset: Int
        var length: Int
        var direction: TraceDirection
        var local: TraceEndpoint
        var remote: TraceEndpoint
        var transport: TraceTransport
        var time: TraceTimestamp
        var isRTP: Bool
    }

    /// One call's packets: their payloads back to back in one byte slab, and their records.
    /// A slot freed by eviction is reused for a later call with its capacity kept (up to
    /// ``State/keptCapacity``), so a steady stream of calls records without allocating.
    struct Slot: Sendable {
        var callID = ""
        var associatedCallIDs: [String] = []
        var bytes: [UInt8] = []
        var packets: [PacketRecord] = []
        var messageCount = 0
        var rtpCount = 0
        var droppedMessages = 0
        var firstRTPTime: TraceTimestamp?
        /// The serial of the trace in the slot; 0 when the slot is free.
        var serial: UInt64 = 0

        /// The slot's payload bytes (``CallTrace/byteCount``).
        var byteCount: Int { bytes.count }

        mutating func append(_ payload: UnsafeRawBufferPointer, _ record: PacketRecord) {
            var record = record
            record.offset = bytes.count
            record.length = payload.count
            bytes.append(contentsOf: payload)
            packets.append(record)
        }

        /// Empties the slot for reuse; storage larger than `keeping` bytes is given back.
        mutating func clear(keeping: Int) {
            callID = ""
            associatedCallIDs.removeAll()
            if bytes.capacity > keeping {
                bytes = []
                packets = []
            } else {
                bytes.removeAll(keepingCapacity: true)
                packets.removeAll(keepingCapacity: true)
            }
            (messageCount, rtpCount, droppedMessages, firstRTPTime, serial) = (0, 0, 0, nil, 0)
        }

        /// The public form, payloads copied out of the slab.
        var trace: CallTrace {
            var trace = CallTrace(callID: callID)
            trace.associatedCallIDs = associatedCallIDs
            trace.packets = packets.map {
                TracePacket(direction: $0.direction, payload: Array(bytes[$0.offset..<$0.offset + $0.length]), local: $0.local,
                            remote: $0.remote, transport: $0.transport, time: $0.time, isRTP: $0.isRTP)
            }
            (trace.messageCount, trace.rtpCount, trace.droppedMessages) = (messageCount, rtpCount, droppedMessages)
            (trace.byteCount, trace.firstRTPTime) = (byteCount, firstRTPTime)
            return trace
        }
    }

    /// The buffer's state, guarded by the buffer's lock.
    struct State: Sendable {
        /// Calls by slot; free slots have serial 0 and are listed in `free`.
        var slots: [Slot] = []
        var free: [Int] = []
        /// Each trace's own Call-ID and its associated leg Call-IDs, to its slot.
        var index: [String: Int] = [:]
        /// Slots with the serial of the trace they were filled for, oldest first, from `head`
        /// on. Removal does not search it: an entry whose slot was freed (or refilled, with
        /// another serial) is skipped when it comes up, and the consumed prefix is dropped once
        /// it is half the array. Eviction is O(1) amortized.
        var order: [(slot: Int, serial: UInt64)] = []
        var head = 0
        var nextSerial: UInt64 = 0
        var liveCount = 0
        var totalBytes = 0
        /// A freed slot keeps its slab for reuse up to this many bytes (twice the average share
        /// of `maxBytes`, at least 16 KiB).
        let keptCapacity: Int

        init(limits: Limits) {
            keptCapacity = max(16 << 10, 2 * limits.maxBytes / limits.maxCalls)
        }

        /// The Call-IDs in the buffer, oldest first.
        var liveKeys: [String] {
            order[head...].compactMap { entry in slots[entry.slot].serial == entry.serial ? slots[entry.slot].callID : nil }
        }

        func trace(for callID: String) -> CallTrace? {
            index[callID].map { slots[$0].trace }
        }

        mutating func add(_ payload: UnsafeRawBufferPointer, _ record: PacketRecord, to callID: String, limits: Limits) -> RecordOutcome {
            if let slot = index[callID] {
                guard slots[slot].messageCount < limits.maxMessagesPerCall else {
                    slots[slot].droppedMessages += 1
                    return .callFull
                }
                makeRoom(for: payload.count, keeping: slot, limits: limits)
                guard totalBytes + payload.count <= limits.maxBytes else { return .tooLarge }
                // In place: the slot (and its slab) is never copied.
                slots[slot].append(payload, record)
                slots[slot].messageCount += 1
                totalBytes += payload.count
                return .recorded
            }
            while liveCount >= limits.maxCalls, evictOldest() {}
            makeRoom(for: payload.count, keeping: nil, limits: limits)
            let slot: Int
            if let reused = free.popLast() {
                slot = reused
            } else {
                slot = slots.count
                slots.append(Slot())
            }
            nextSerial += 1
            slots[slot].callID = callID
            slots[slot].serial = nextSerial
            slots[slot].append(payload, record)
            slots[slot].messageCount = 1
            index[callID] = slot
            order.append((slot, nextSerial))
            liveCount += 1
            totalBytes += payload.count
            return .recorded
        }

        mutating func addRTP(_ payload: UnsafeRawBufferPointer, _ record: PacketRecord, to callID: String, limits: Limits) -> RecordOutcome {
            guard let slot = index[callID] else { return .unknownCall }
            let start = slots[slot].firstRTPTime ?? record.time
            guard slots[slot].rtpCount < limits.maxRTPPacketsPerCall,
                  record.time.microsecondsSinceEpoch <= start.microsecondsSinceEpoch &+ limits.rtpWindowMicroseconds
            else {
                slots[slot].droppedMessages += 1
                return .callFull
            }
            makeRoom(for: payload.count, keeping: slot, limits: limits)
            guard totalBytes + payload.count <= limits.maxBytes else { return .tooLarge }
            slots[slot].firstRTPTime = start
            slots[slot].append(payload, record)
            slots[slot].rtpCount += 1
            totalBytes += payload.count
            return .recorded
        }

        mutating func associate(_ legCallID: String, with callID: String) {
            guard let slot = index[callID], legCallID != slots[slot].callID else { return }
            // A trace's own Call-ID is never re-pointed.
            if let other = index[legCallID], slots[other].callID == legCallID { return }
            index[legCallID] = slot
            if !slots[slot].associatedCallIDs.contains(legCallID) {
                slots[slot].associatedCallIDs.append(legCallID)
            }
        }

        /// Evicts the oldest calls, other than the one in `keeping`, until `size` more bytes fit.
        private mutating func makeRoom(for size: Int, keeping: Int?, limits: Limits) {
            var kept: (slot: Int, serial: UInt64)?
            defer { compact() }
            while totalBytes + size > limits.maxBytes, let oldest = popOldest() {
                if oldest.slot == keeping {
                    kept = oldest
                } else {
                    remove(oldest.slot)
                }
            }
            // The call being added to stays, still the oldest.
            if let kept {
                head -= 1
                order[head] = kept
            }
        }

        /// Evicts the oldest call; false when there is none.
        private mutating func evictOldest() -> Bool {
            defer { compact() }
            guard let oldest = popOldest() else { return false }
            remove(oldest.slot)
            return true
        }

        /// Drops the consumed prefix of `order` once it is most of the array.
        private mutating func compact() {
            guard head > 1024, head * 2 > order.count else { return }
            order.removeFirst(head)
            head = 0
        }

        /// Takes the oldest live entry off the order (skipping stale ones).
        private mutating func popOldest() -> (slot: Int, serial: UInt64)? {
            while head < order.count {
                let entry = order[head]
                head += 1
                if slots[entry.slot].serial == entry.serial { return entry }
            }
            return nil
        }

        private mutating func remove(_ slot: Int) {
            guard slots[slot].serial != 0 else { return }
            index[slots[slot].callID] = nil
            // An alias re-pointed to a later trace since is left to that trace.
            for alias in slots[slot].associatedCallIDs where index[alias] == slot { index[alias] = nil }
            totalBytes -= slots[slot].byteCount
            liveCount -= 1
            slots[slot].clear(keeping: keptCapacity)
            free.append(slot)
        }
    }
}
