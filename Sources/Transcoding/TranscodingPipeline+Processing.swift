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
            count = try decoded.withUnsafeMutableBufferPointer { pcm in
                Result { () throws(CodecError) in try decoder.decode(payload, into: pcm) }
            }.get()
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
            count = try decoded.withUnsafeMutableBufferPointer { pcm in
                Result { () throws(CodecError) in
                    try decoder.decodeLoss(sampleCount: min(wanted, pcm.count / decoder.channels), next: nextPayload, into: pcm)
                }
            }.get()
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
        let channels = decoder.channels
        decoded.withUnsafeMutableBufferPointer { decodedPCM in
            mono.withUnsafeMutableBufferPointer { monoPCM in
                var source = UnsafeMutableBufferPointer(rebasing: decodedPCM[0..<count])
                if channels == 2 {
                    for index in 0..<count {
                        monoPCM[index] = Int16((Int(decodedPCM[2 * index]) + Int(decodedPCM[2 * index + 1])) >> 1)
                    }
                    source = UnsafeMutableBufferPointer(rebasing: monoPCM[0..<count])
                }
                if resampler.isIdentity {
                    deliver(source, timestamp: timestamp, emit: emit)
                } else {
                    resampled.withUnsafeMutableBufferPointer { output in
                        let produced = resampler.process(UnsafeBufferPointer(source), into: output)
                        deliver(UnsafeMutableBufferPointer(rebasing: output[0..<produced]), timestamp: timestamp, emit: emit)
                    }
                }
            }
        }
    }

    private func deliver(_ samples: UnsafeMutableBufferPointer<Int16>, timestamp: UInt32, emit: (OutputPacket) -> Void) {
        tap?.process(samples, sampleRate: encoder.sampleRate, timestamp: timestamp)
        var offset = 0
        while offset < samples.count {
            let take = min(frameSamples - accumulated, samples.count - offset)
            accumulator.withUnsafeMutableBufferPointer { frame in
                for index in 0..<take { frame[accumulated + index] = samples[offset + index] }
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
            accumulator.withUnsafeMutableBufferPointer { frame in
                for index in accumulated..<(accumulated + fill) { frame[index] = 0 }
            }
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
        accumulator.withUnsafeMutableBufferPointer { frame in
            for index in accumulated..<frameSamples { frame[index] = 0 }
        }
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
        payload.withUnsafeBytes { bytes in
            emit(OutputPacket(payload: UnsafeRawBufferPointer(rebasing: bytes[0..<length]), timestamp: timestamp,
                              sequenceNumber: nextSequenceNumber, marker: pendingMarker))
        }
        statistics.packetsEmitted += 1
        pendingMarker = false
        nextSequenceNumber &+= 1
        lastOutputTimestamp = timestamp
    }

    private func encodeFrame() throws(CodecError) -> Int {
        if encoder.channels == 2 {
            accumulator.withUnsafeBufferPointer { frame in
                interleaved.withUnsafeMutableBufferPointer { stereo in
                    for index in 0..<frameSamples {
                        stereo[2 * index] = frame[index]
                        stereo[2 * index + 1] = frame[index]
                    }
                }
            }
            return try interleaved.withUnsafeBufferPointer { pcm in
                payload.withUnsafeMutableBytes { bytes in Result { () throws(CodecError) in try encoder.encode(pcm, into: bytes) } }
            }.get()
        }
        return try accumulator.withUnsafeBufferPointer { pcm in
            payload.withUnsafeMutableBytes { bytes in Result { () throws(CodecError) in try encoder.encode(pcm, into: bytes) } }
        }.get()
    }

    private func toUnits(_ samples: Int) -> Int {
        RTPTimestamp.rescale(samples, from: decoder.sampleRate, to: decoder.rtpClockRate)
    }
}
