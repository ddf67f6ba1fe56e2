extension CallTraceBuffer {
    /// The buffer's state, guarded by the buffer's lock.
    struct State: Sendable {
        var calls: [String: CallTrace] = [:]
        /// Associated leg Call-ID to the trace's key.
        var aliases: [String: String] = [:]
        /// Trace keys, oldest first.
        var order: [String] = []
        var totalBytes = 0

        func key(for callID: String) -> String? {
            calls[callID] != nil ? callID : aliases[callID]
        }

        func trace(for callID: String) -> CallTrace? {
            key(for: callID).flatMap { calls[$0] }
        }

        mutating func add(_ packet: TracePacket, to callID: String, limits: Limits) -> RecordOutcome {
            if let key = key(for: callID), var trace = calls[key] {
                guard trace.messageCount < limits.maxMessagesPerCall else {
                    calls[key]?.droppedMessages += 1
                    return .callFull
                }
                makeRoom(for: packet.payload.count, keeping: key, limits: limits)
                guard totalBytes + packet.payload.count <= limits.maxBytes else { return .tooLarge }
                trace = calls[key] ?? trace
                trace.packets.append(packet)
                trace.messageCount += 1
                trace.byteCount += packet.payload.count
                totalBytes += packet.payload.count
                calls[key] = trace
                return .recorded
            }
            while calls.count >= limits.maxCalls, !order.isEmpty { evictOldest() }
            makeRoom(for: packet.payload.count, keeping: nil, limits: limits)
            var trace = CallTrace(callID: callID)
            trace.packets.append(packet)
            trace.messageCount = 1
            trace.byteCount = packet.payload.count
            totalBytes += packet.payload.count
            calls[callID] = trace
            order.append(callID)
            return .recorded
        }

        mutating func addRTP(_ packet: TracePacket, to callID: String, limits: Limits) -> RecordOutcome {
            guard let key = key(for: callID), var trace = calls[key] else { return .unknownCall }
            let start = trace.firstRTPTime ?? packet.time
            guard trace.rtpCount < limits.maxRTPPacketsPerCall,
                  packet.time.microsecondsSinceEpoch <= start.microsecondsSinceEpoch &+ limits.rtpWindowMicroseconds
            else {
                calls[key]?.droppedMessages += 1
                return .callFull
            }
            makeRoom(for: packet.payload.count, keeping: key, limits: limits)
            guard totalBytes + packet.payload.count <= limits.maxBytes else { return .tooLarge }
            trace = calls[key] ?? trace
            trace.firstRTPTime = start
            trace.packets.append(packet)
            trace.rtpCount += 1
            trace.byteCount += packet.payload.count
            totalBytes += packet.payload.count
            calls[key] = trace
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
            while totalBytes + size > limits.maxBytes {
                guard let victim = order.first(where: { $0 != keeping }) else { return }
                remove(victim)
            }
        }

        private mutating func evictOldest() {
            if let oldest = order.first { remove(oldest) }
        }

        private mutating func remove(_ key: String) {
            guard let trace = calls.removeValue(forKey: key) else { return }
            totalBytes -= trace.byteCount
            for alias in trace.associatedCallIDs { aliases[alias] = nil }
            order.removeAll { $0 == key }
        }
    }
}
