import DTMF
import NIOCore
import RTPCore
import Transcoding

/// The engine side of `MediaSession`'s DTMF API: configuration, RFC 4733 events and tones sent
/// to a leg, and the end of everything when the session is released.
extension RelayCore {
    func configureDTMF(leg: MediaLeg, _ configuration: LegDTMFConfiguration) {
        let state = dtmf[leg]
        state.configuration = configuration
        if !configuration.detectsInBand {
            state.detector = nil
            state.decoder = nil
        }
        state.receiver = nil  // rebuilt with the new clock/timeout on the next event packet
        dtmf.updateEngaged()
        if let pipeline = pipelines[leg.rawValue] { updateTap(on: pipeline, from: leg) }
    }

    // MARK: RFC 4733 to a leg

    /// Queues an RFC 4733 event on `leg`: of `duration`, or open until `stopTelephoneEvent`.
    func startTelephoneEvent(_ digit: DTMFDigit, on leg: MediaLeg, duration: TimeAmount?) throws(MediaDTMFError) {
        guard let configuration = legs[leg.rawValue].configuration else { throw .legNotConfigured(leg) }
        guard let payloadType = configuration.codec.telephoneEventPayloadType else { throw .noTelephoneEvent(leg) }
        let state = dtmf[leg]
        let codec = configuration.codec
        let senderConfiguration = TelephoneEventSender.Configuration(
            payloadType: payloadType, clockRate: codec.format.clockRate,
            packetInterval: .milliseconds(Int64(max(10, codec.packetDuration))), volume: dtmf[leg].configuration?.volume ?? 10)
        if state.sender == nil || (state.sender?.isIdle == true && state.sender?.configuration != senderConfiguration) {
            state.sender = TelephoneEventSender(configuration: senderConfiguration)
        }
        state.sender?.enqueue(digit, duration: duration)
        dtmf.updateEngaged()
        if state.senderTask == nil {
            let bound = NIOLoopBound(self, eventLoop: eventLoop)
            let interval = state.sender?.configuration.packetInterval ?? .milliseconds(20)
            // The first packet goes out now; then one per packet interval (§2.5.1.2).
            tickSender(leg)
            guard state.sender?.isIdle == false else { return }
            state.senderTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                bound.value.tickSender(leg)
            }
        }
    }

    /// Ends the open event on `leg` (at least `minimumDuration` long in all).
    func stopTelephoneEvent(on leg: MediaLeg, minimumDuration: TimeAmount) {
        dtmf[leg].sender?.release(minimumDuration: minimumDuration)
    }

    /// One packet interval of the events to `leg`.
    func tickSender(_ leg: MediaLeg) {
        let state = dtmf[leg]
        guard var sender = state.sender else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        if !sender.suppressesAudio {
            // A new event starts where the leg's stream clock stands now.
            state.senderClock = projectedTimestamp(to: leg, now: now)
        }
        let packets = sender.tick(timestamp: state.senderClock)
        // The clock after this interval: never behind the event's end, so audio resumes past it.
        state.senderClock &+= UInt32(truncatingIfNeeded: sender.configuration.intervalUnits)
        state.sender = sender
        send(packets, to: leg, clockPosition: state.senderClock, now: now)
        if sender.isIdle {
            state.senderTask?.cancel()
            state.senderTask = nil
            state.sender = nil
            dtmf.updateEngaged()
        }
    }

    /// Where `leg`'s outgoing stream clock stands at `now`.
    private func projectedTimestamp(to leg: MediaLeg, now: UInt64) -> UInt32 {
        let source = leg.other.rawValue
        if routers[source]?.needsTranscoding == true, let pipeline = pipelines[source] {
            let state = dtmf[leg]
            let codec = legs[leg.rawValue].configuration?.codec
            let rate = codec?.format.clockRate ?? 8000
            guard let last = state.lastTranscodedTimestamp else {
                // When the last packet left is not known here: one packet interval after it.
                return pipeline.lastEmittedTimestamp &+ UInt32(truncatingIfNeeded: rate * (codec?.packetDuration ?? 20) / 1000)
            }
            let elapsed = now > state.lastTranscodedAt ? now - state.lastTranscodedAt : 0
            return last &+ UInt32(truncatingIfNeeded: RTPTimestamp.units(fromNanoseconds: elapsed, rate: rate))
        }
        return continuity[leg.rawValue]?.projectedTimestamp(atNanoseconds: now) ?? 0
    }

    /// Writes event packets to `leg` with the next sequence numbers of its outgoing stream.
    private func send(_ packets: [TelephoneEventPacket], to leg: MediaLeg, clockPosition: UInt32, now: UInt64) {
        guard !packets.isEmpty, let configuration = legs[leg.rawValue].configuration else { return }
        let source = leg.other.rawValue
        for packet in packets {
            let sequenceNumber: UInt16
            if routers[source]?.needsTranscoding == true, let pipeline = pipelines[source] {
                sequenceNumber = pipeline.insertPacket()
            } else if continuity[leg.rawValue] != nil {
                sequenceNumber = continuity[leg.rawValue]?.insertPacket(clockPosition: clockPosition, arrivalNanoseconds: now) ?? 0
            } else {
                continue
            }
            var buffer = allocator.buffer(capacity: TelephoneEventPacket.length + 64)
            guard (try? packet.write(to: &buffer, sequenceNumber: sequenceNumber, ssrc: configuration.outgoingSSRC)) != nil else { continue }
            sendRTP(&buffer, to: leg)  // the relay's own send path: SRTP, counters, the latched target
        }
    }

    // MARK: Tones to a leg

    /// Queues a tone for `leg`'s audio: written over relayed G.711, or into the transcoded
    /// direction's decoded audio before encoding.
    func generateTone(_ digit: DTMFDigit, on leg: MediaLeg, duration: TimeAmount) throws(MediaDTMFError) {
        guard let configuration = legs[leg.rawValue].configuration else { throw .legNotConfigured(leg) }
        let source = leg.other.rawValue
        guard let router = routers[source] else { throw .inBandUnavailable(leg) }
        guard router.needsTranscoding || Self.isG711(configuration.codec) else { throw .inBandUnavailable(leg) }
        let state = dtmf[leg]
        if state.generator == nil { state.generator = InBandDTMFGenerator() }
        guard let generator = state.generator else { throw .inBandUnavailable(leg) }
        generator.enqueue(digit, milliseconds: Int(duration.nanoseconds / 1_000_000))
        dtmf.updateEngaged()
        if let pipeline = pipelines[source] { updateTap(on: pipeline, from: leg.other) }
    }

    // MARK: End of the session

    /// The session is being released: every event in progress gets its end packets (RFC 4733
    /// §2.5.1.4, sent even when the call ends mid-digit), received events end, timers stop.
    func finishDTMF() {
        let now = NIODeadline.now()
        for leg in MediaLeg.allCases {
            let state = dtmf[leg]
            if var sender = state.sender {
                let packets = sender.finish()
                state.sender = sender
                send(packets, to: leg, clockPosition: sender.resumeTimestamp ?? state.senderClock, now: now.uptimeNanoseconds)
            }
            if let found = state.receiver?.finish(now: now) { reportDTMF(found, from: leg) }
            state.cancelTimers()
            state.sender = nil
            state.generator?.cancelQueued()
        }
        dtmf.updateEngaged()
    }
}
