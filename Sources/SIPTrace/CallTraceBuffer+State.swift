extension CallTraceBuffer {
    /// The buffer's state, guarded by the buffer's lock.
    struct State: Sendable {
        var calls: [String: CallTrace] = [:]
        /// Associated leg Call-ID to the trace's key.
        var aliases: [String: String] = [:]
        /// Trace keys with the serial of the trace they were added for, oldest first, from
        /// `head` on. Removal does not search it: an entry whose trace is gone (or was replaced
        /// under the same key, with another serial) is skipped when it comes up, and the
        /// consumed prefix is dropped once it is half the array. Eviction is O(1) amortized.
        var order: [(key: String, serial: UInt64)] = []
        var head = 0
        var nextSerial: UInt64 = 0
        /// The serial of each trace in `calls`.
        var serials: [String: UInt64] = [:]
        var totalBytes = 0

        /// The keys in the buffer, oldest first.
        var liveKeys: [String] {
            order[head...].compactMap { entry in serials[entry.key] == entry.serial ? entry.key : nil }
        }

        func key(for callID: String) -> String? {
            calls.index(forKey: callID) != nil ? callID : aliases[callID]
        }

        func trace(for callID: String) -> CallTrace? {
            key(for: callID).flatMap { calls[$0] }
        }

        mutating func add(_ packet: TracePacket, to callID: String, limits: Limits) -> RecordOutcome {
            if let key = key(for: callID), var index = calls.index(forKey: key) {
                guard calls.values[index].messageCount < limits.maxMessagesPerCall else {
                    calls.values[index].droppedMessages += 1
                    return .callFull
                }
                makeRoom(for: packet.payload.count, keeping: key, limits: limits)
                guard totalBytes + packet.payload.count <= limits.maxBytes else { return .tooLarge }
                // Eviction may have moved the entry; the kept call itself is never evicted.
                guard let current = calls.index(forKey: key) else { return .tooLarge }
                index = current
                // Mutated in place (one lookup per message): a copy of the trace taken out
                // would copy its packet list.
                calls.values[index].packets.append(packet)
                calls.values[index].messageCount += 1
                calls.values[index].byteCount += packet.payload.count
                totalBytes += packet.payload.count
                return .recorded
            }
            while calls.count >= limits.maxCalls, evictOldest() {}
            makeRoom(for: packet.payload.count, keeping: nil, limits: limits)
            var trace = CallTrace(callID: callID)
            trace.packets.append(packet)
            trace.messageCount = 1
            trace.byteCount = packet.payload.count
            nextSerial += 1
            serials[callID] = nextSerial
            totalBytes += packet.payload.count
            calls[callID] = trace
            order.append((callID, nextSerial))
            return .recorded
        }

        mutating func addRTP(_ packet: TracePacket, to callID: String, limits: Limits) -> RecordOutcome {
            guard let key = key(for: callID), let rtpCount = calls[key]?.rtpCount else { return .unknownCall }
            let start = calls[key]?.firstRTPTime ?? packet.time
            guard rtpCount < limits.maxRTPPacketsPerCall,
                  packet.time.microsecondsSinceEpoch <= start.microsecondsSinceEpoch &+ limits.rtpWindowMicroseconds
            else {
                calls[key]?.droppedMessages += 1
                return .callFull
            }
            makeRoom(for: packet.payload.count, keeping: key, limits: limits)
            guard totalBytes + packet.payload.count <= limits.maxBytes else { return .tooLarge }
            calls[key]?.firstRTPTime = start
            calls[key]?.packets.append(packet)
            calls[key]?.rtpCount += 1
            calls[key]?.byteCount += packet.payload.count
            totalBytes += packet.payload.count
            return .recorded
        }

        mutating func associate(_ legCallID: String, with callID: String) {
            guard let key = key(for: callID), legCallID != key, calls[legCallID] == nil else { return }
            aliases[legCallID] = key
            if calls[key]?.associatedCallIDs.contains(legCallID) == false {
                calls[key]?.associatedCallIDs.append(legCallID)
            }
        }

        /// Evicts the oldest calls, other than `keeping`, until `size` more bytes fit.
        private mutating func makeRoom(for size: Int, keeping: String?, limits: Limits) {
            var kept: (key: String, serial: UInt64)?
            defer { compact() }
            while totalBytes + size > limits.maxBytes, let oldest = popOldest() {
                if oldest.key == keeping {
                    kept = oldest
                } else {
                    remove(oldest.key)
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
            remove(oldest.key)
            return true
        }

        /// Drops the consumed prefix of `order` once it is most of the array.
        private mutating func compact() {
            guard head > 1024, head * 2 > order.count else { return }
            order.removeFirst(head)
            head = 0
        }

        /// Takes the oldest live entry off the order (skipping stale ones).
        private mutating func popOldest() -> (key: String, serial: UInt64)? {
            while head < order.count {
                let entry = order[head]
                head += 1
                if serials[entry.key] == entry.serial { return entry }
            }
            return nil
        }

        private mutating func remove(_ key: String) {
            guard let trace = calls.removeValue(forKey: key) else { return }
            serials[key] = nil
            totalBytes -= trace.byteCount
            for alias in trace.associatedCallIDs { aliases[alias] = nil }
        }
    }
}
