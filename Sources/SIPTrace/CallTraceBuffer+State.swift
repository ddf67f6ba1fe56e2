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

        /// The key of the trace `callID` names (its own or an alias). Looks the trace up by index:
        /// `calls[callID] != nil` would copy the trace out (a retain and release per array).
        func key(for callID: String) -> String? {
            calls.index(forKey: callID) != nil ? callID : aliases[callID]
        }

        /// Where the trace `callID` names is in `calls` (one hash of the Call-ID when it is a key).
        func index(for callID: String) -> Dictionary<String, CallTrace>.Index? {
            if let index = calls.index(forKey: callID) { return index }
            return aliases[callID].flatMap { calls.index(forKey: $0) }
        }

        func trace(for callID: String) -> CallTrace? {
            key(for: callID).flatMap { calls[$0] }
        }

        mutating func add(_ packet: TracePacket, to callID: String, limits: Limits) -> RecordOutcome {
            if var index = index(for: callID) {
                let key = calls.keys[index]
                guard calls.values[index].messageCount < limits.maxMessagesPerCall else {
                    calls.values[index].droppedMessages += 1
                    return .callFull
                }
                if totalBytes + packet.payload.count > limits.maxBytes {
                    // Evicting moves the dictionary's entries: look the trace up again.
                    makeRoom(for: packet.payload.count, keeping: key, limits: limits)
                    guard totalBytes + packet.payload.count <= limits.maxBytes, let moved = calls.index(forKey: key) else {
                        return .tooLarge
                    }
                    index = moved
                }
                // Mutated in place through the index: one hash of the Call-ID per message, and no
                // copy of the trace (which would copy its packet list).
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
            guard let index = index(for: callID), legCallID != calls.keys[index], calls.index(forKey: legCallID) == nil else { return }
            aliases[legCallID] = calls.keys[index]
            if !calls.values[index].associatedCallIDs.contains(legCallID) {
                calls.values[index].associatedCallIDs.append(legCallID)
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
