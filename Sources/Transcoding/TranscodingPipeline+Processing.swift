import RTPCore

extension TranscodingPipeline {
    /// Decodes one packet in order and feeds its audio on.
    func process(packet: JitterBuffer.Packet, payload: UnsafeRawBufferPointer, emit: (OutputPacket) -> Void) {
        if !started {
            started = true
            nextInputTimestamp = packet.timestamp
            frameStartTimestamp = packet.timestamp
        }
        let gap = RTPTimestamp.distance(from: nextInputTimestamp, to: packet.timestamp)
        if gap > 0 {
            skip(units: gap, to: packet.timestamp, emit: emit)
        } else if gap < -maximumConcealmentUnits {
            // Timestamps went far back with the sequence moving on: a new timeline. A small
            // overlap (a sender's rounding) is played as it comes.
            restartTimeline(emit: emit)
            started = true
            nextInputTimestamp = packet.timestamp
            frameStartTimestamp = packet.timestamp
        }
        let count: Int
        do {
            count = try decoder.decode(payload, into: decoded)
        } catch {
            statistics.decodeErrors += 1
            let units = decoder.sampleCount(of: payload).map { toUnits($0) } ?? lastPacketUnits
            concealUnits(min(units, maximumConcealmentUnits), nextPayload: nil, emit: emit)
            return
        }
        statistics.packetsDecoded += 1
        guard count > 0 else { return }
        forward(count: count, timestamp: packet.timestamp, emit: emit)
        let units = toUnits(count)
        lastPacketUnits = units
        nextInputTimestamp = packet.timestamp &+ UInt32(truncatingIfNeeded: units)
    }

    /// Conceals the audio missing before `timestamp` (the packet after a loss), at most
    /// `maximumConcealment`; the rest becomes a silence skip when that packet is processed.
    func conceal(until timestamp: UInt32, nextPayload: UnsafeRawBufferPointer, emit: (OutputPacket) -> Void) {
        guard started else { return }
        let gap = RTPTimestamp.distance(from: nextInputTimestamp, to: timestamp)
        guard gap > 0 else { return }
        concealUnits(min(gap, maximumConcealmentUnits), nextPayload: nextPayload, emit: emit)
    }

    private func concealUnits(_ units: Int, nextPayload: UnsafeRawBufferPointer?, emit: (OutputPacket) -> Void) {
        let wanted = RTPTimestamp.rescale(units, from: decoder.rtpClockRate, to: decoder.sampleRate)
        let count: Int
        do {
            count = try decoder.decodeLoss(sampleCount: min(wanted, decoded.count / decoder.channels), next: nextPayload, into: decoded)
        } catch {
            statistics.decodeErrors += 1
            return
        }
        statistics.concealments += 1
        if nextPayload != nil { statistics.concealmentsWithNextPacket += 1 }
        statistics.concealedSamples += count
        guard count > 0 else { return }
        forward(count: count, timestamp: nextInputTimestamp, emit: emit)
        nextInputTimestamp &+= UInt32(truncatingIfNeeded: toUnits(count))
    }

    /// Downmixes, resamples and taps `count` decoded sample frames, then cuts them into frames.
    private func forward(count: Int, timestamp: UInt32, emit: (OutputPacket) -> Void) {
        var source = UnsafeMutableBufferPointer(rebasing: decoded[0..<count])
        if decoder.channels == 2 {
            for index in 0..<count {
                mono[index] = Int16((Int(decoded[2 * index]) + Int(decoded[2 * index + 1])) >> 1)
            }
            source = UnsafeMutableBufferPointer(rebasing: mono[0..<count])
        }
        if resampler.isIdentity {
            deliver(source, timestamp: timestamp, emit: emit)
        } else {
            let produced = resampler.process(UnsafeBufferPointer(source), into: resampled)
            deliver(UnsafeMutableBufferPointer(rebasing: resampled[0..<produced]), timestamp: timestamp, emit: emit)
        }
    }

    private func deliver(_ samples: UnsafeMutableBufferPointer<Int16>, timestamp: UInt32, emit: (OutputPacket) -> Void) {
        tap?.process(samples, sampleRate: encoder.sampleRate, timestamp: timestamp)
        var offset = 0
        while offset < samples.count {
            let take = min(frameSamples - accumulated, samples.count - offset)
            if let from = samples.baseAddress, let to = accumulator.baseAddress {
                (to + accumulated).update(from: from + offset, count: take)
            }
            accumulated += take
            offset += take
            if accumulated == frameSamples { emitFrame(emit: emit) }
        }
    }

    /// Silence suppression, DTX or a loss longer than concealment: fill the partial frame with
    /// silence as far as the gap reaches, then jump to `timestamp` with the marker bit.
    func skip(units: Int, to timestamp: UInt32, emit: (OutputPacket) -> Void) {
        statistics.discontinuities += 1
        var remaining = RTPTimestamp.rescale(units, from: decoder.rtpClockRate, to: encoder.sampleRate)
        if accumulated > 0 {
            let fill = min(frameSamples - accumulated, remaining)
            for index in accumulated..<(accumulated + fill) { accumulator[index] = 0 }
            accumulated += fill
            remaining -= fill
            if accumulated == frameSamples { emitFrame(emit: emit) }
        }
        if accumulated == 0 {
            frameStartTimestamp = timestamp
            if remaining > 0 { pendingMarker = true }
        }
        nextInputTimestamp = timestamp
    }

    /// A new incoming timeline (restart, timestamps going back): send the partial frame and
    /// continue the outgoing timestamps one frame after the last packet sent.
    func restartTimeline(emit: (OutputPacket) -> Void) {
        if accumulated > 0 { padFrame(emit: emit) }
        statistics.discontinuities += 1
        started = false
        let step = encoder.rtpClockRate * configuration.packetDuration / 1000
        rescaler = RTPTimestampRescaler(inputRate: decoder.rtpClockRate, outputRate: encoder.rtpClockRate,
                                        outputBase: statistics.packetsEmitted == 0 ? lastOutputTimestamp : lastOutputTimestamp &+ UInt32(step))
        pendingMarker = true
    }

    func padFrame(emit: (OutputPacket) -> Void) {
        for index in accumulated..<frameSamples { accumulator[index] = 0 }
        accumulated = frameSamples
        emitFrame(emit: emit)
    }

    private func emitFrame(emit: (OutputPacket) -> Void) {
        let timestamp = rescaler.map(frameStartTimestamp)
        frameStartTimestamp &+= UInt32(truncatingIfNeeded: frameUnits)
        accumulated = 0
        let length: Int
        do {
            length = try encodeFrame()
        } catch {
            statistics.encodeErrors += 1
            return
        }
        guard length > 0 else {
            statistics.framesSuppressed += 1
            pendingMarker = true
            return
        }
        emit(OutputPacket(payload: UnsafeRawBufferPointer(rebasing: payload[0..<length]), timestamp: timestamp,
                          sequenceNumber: nextSequenceNumber, marker: pendingMarker))
        statistics.packetsEmitted += 1
        pendingMarker = false
        nextSequenceNumber &+= 1
        lastOutputTimestamp = timestamp
    }

    private func encodeFrame() throws(CodecError) -> Int {
        if encoder.channels == 2 {
            for index in 0..<frameSamples {
                interleaved[2 * index] = accumulator[index]
                interleaved[2 * index + 1] = accumulator[index]
            }
            return try encoder.encode(UnsafeBufferPointer(interleaved), into: payload)
        }
        return try encoder.encode(UnsafeBufferPointer(accumulator), into: payload)
    }

    private func toUnits(_ samples: Int) -> Int {
        RTPTimestamp.rescale(samples, from: decoder.sampleRate, to: decoder.rtpClockRate)
    }
}
