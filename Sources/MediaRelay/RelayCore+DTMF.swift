import DTMF
import NIOCore
import RTPCore
import Transcoding

/// DTMF on the packet path: the one hook `interceptDTMF` called from `receiveRTP` for every
/// accepted RTP packet, and the engine side of `MediaSession`'s DTMF API.
extension RelayCore {
    /// Looks at one RTP packet from `leg` before it is routed. Returns true when the packet
    /// was consumed here (a swallowed telephone-event, audio held back during an event sent to
    /// the other leg, or a transcoded direction run here); false to route it as usual.
    /// `buffer` may be changed in place (tones written into or stripped from G.711 audio).
    func interceptDTMF(header: RTPHeader, buffer: inout ByteBuffer, from leg: MediaLeg, now: UInt64) -> Bool {
        // The per-packet cost without DTMF: one payload-type compare and one flag (the leg's
        // scalars: no copy of its configuration).
        let index = leg.rawValue
        if Int16(header.payloadType) == legs[index].telephoneEventPayloadType, let codec = legs[index].configuration?.codec {
            return receiveTelephoneEvent(buffer: buffer, codec: codec, from: leg, now: now)
        }
        guard dtmf.isEngaged, legs[index].isConfigured, header.payloadType == legs[index].payloadType,
              let codec = legs[index].configuration?.codec, let router = routers[index] else { return false }
        let egress = leg.other
        if router.needsTranscoding {
            return transcodeWithDTMF(header: header, buffer: buffer, from: leg, now: now)
        }
        if dtmf[egress].sender?.suppressesAudio == true {
            return true  // §2.5.1.2: the event replaces the audio; the stream re-anchors after it
        }
        if dtmf[leg].configuration?.detectsInBand == true {
            detectInRelayedAudio(header: header, buffer: &buffer, codec: codec, from: leg, now: now)
        }
        if let generator = dtmf[egress].generator, generator.isActive {
            writeToneIntoRelayedAudio(header: header, buffer: &buffer, generator: generator, to: egress)
        }
        return false
    }

    // MARK: Receiving RFC 4733

    private func receiveTelephoneEvent(buffer: ByteBuffer, codec: MediaCodec, from leg: MediaLeg, now: UInt64) -> Bool {
        let state = dtmf[leg]
        let clock = state.configuration?.telephoneEventClockRate ?? codec.format.clockRate
        let payloadType = codec.telephoneEventPayloadType ?? 0
        if state.receiver?.configuration.payloadType != payloadType || state.receiver?.configuration.clockRate != clock {
            state.receiver = TelephoneEventReceiver(configuration: .init(
                payloadType: payloadType, clockRate: clock, silenceTimeout: state.configuration?.silenceTimeout ?? .milliseconds(500)))
        }
        do {
            let found = try state.receiver?.receive(packet: buffer, arrival: .uptimeNanoseconds(now)) ?? []
            reportDTMF(found, from: leg)
        } catch {
            // A non-digit event (flash, fax tones) or a short payload: not ours to report.
        }
        scheduleReceiverTimer(for: leg)
        if state.swallowsTelephoneEvents {
            return true
        }
        return false
    }

    func reportDTMF(_ found: [DTMFEvent], from leg: MediaLeg) {
        for event in found { events.yield(.dtmf(leg: leg, event: event)) }
    }

    /// Ends a silent event after its timeout (RFC 4733 §2.5.2.2), rescheduling while packets
    /// keep it alive.
    private func scheduleReceiverTimer(for leg: MediaLeg) {
        let state = dtmf[leg]
        guard state.receiverTimer == nil, let deadline = state.receiver?.nextDeadline else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        state.receiverTimer = eventLoop.scheduleTask(deadline: deadline) {
            let core = bound.value
            let state = core.dtmf[leg]
            state.receiverTimer = nil
            if let found = state.receiver?.tick(now: .now()) { core.reportDTMF(found, from: leg) }
            core.scheduleReceiverTimer(for: leg)
        }
    }

    // MARK: In-band on relayed audio

    /// Decodes a copy of relayed audio for the detector; strips a detected tone from G.711.
    private func detectInRelayedAudio(header: RTPHeader, buffer: inout ByteBuffer, codec: MediaCodec, from leg: MediaLeg, now: UInt64) {
        let state = dtmf[leg]
        if state.detector == nil { state.detector = InBandDTMFDetector() }
        if state.decoder.map({ $0.rtpClockRate != codec.format.clockRate }) ?? true {
            state.decoder = try? settings.codecs.makeCodec(for: codec.format)
        }
        guard let detector = state.detector, let decoder = state.decoder else { return }
        let capacity = decoder.sampleRate * 120 / 1000 * decoder.channels
        if state.decoded.count < capacity { state.decoded = [Int16](repeating: 0, count: capacity) }
        let range = header.payloadRange
        let count: Int? = buffer.withUnsafeReadableBytes { bytes in
            state.decoded.withUnsafeMutableBufferPointer { pcm in
                try? decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[range]), into: pcm)
            }
        }
        guard let count, count > 0 else { return }
        var mono = Array(state.decoded[0..<(count * decoder.channels)])
        if decoder.channels == 2 {
            var downmixed = [Int16](repeating: 0, count: count)
            for index in 0..<count {
                let sum = Int(mono[2 * index]) + Int(mono[2 * index + 1])
                downmixed[index] = Int16(truncatingIfNeeded: sum >> 1)
            }
            mono = downmixed
        }
        if decoder.sampleRate != InBandDTMFDetector.sampleRate {
            if state.downsampler?.inputRate != decoder.sampleRate {
                state.downsampler = Resampler(from: decoder.sampleRate, to: InBandDTMFDetector.sampleRate)
            }
            mono = state.downsampler?.process(mono) ?? []
        }
        reportDTMF(detector.process(mono, at: .uptimeNanoseconds(now)), from: leg)
        if state.configuration?.removesInBandTones == true, detector.toneActive, Self.isG711(codec) {
            let silence: [UInt8] = (try? decoder.encode([Int16](repeating: 0, count: count))) ?? []
            buffer.withUnsafeMutableReadableBytes { bytes in
                for (offset, byte) in silence.prefix(range.count).enumerated() { bytes[range.lowerBound + offset] = byte }
            }
        }
    }

    /// Writes the requested tone over relayed G.711 audio (one octet per sample, no state).
    private func writeToneIntoRelayedAudio(header: RTPHeader, buffer: inout ByteBuffer, generator: InBandDTMFGenerator, to egress: MediaLeg) {
        guard let codec = legs[egress.rawValue].configuration?.codec, Self.isG711(codec) else { return }
        let state = dtmf[egress]
        if state.encoder.map({ $0.rtpClockRate != codec.format.clockRate }) ?? true {
            state.encoder = try? settings.codecs.makeCodec(for: codec.format)
        }
        guard let encoder = state.encoder else { return }
        let range = header.payloadRange
        if state.tone.count != range.count { state.tone = [Int16](repeating: 0, count: range.count) }
        for index in state.tone.indices { state.tone[index] = 0 }
        generator.fill(&state.tone)
        guard let encoded = try? encoder.encode(state.tone) else { return }
        buffer.withUnsafeMutableReadableBytes { bytes in
            for (offset, byte) in encoded.prefix(range.count).enumerated() { bytes[range.lowerBound + offset] = byte }
        }
        if !generator.isActive { dtmf.updateEngaged() }
    }

    static func isG711(_ codec: MediaCodec) -> Bool {
        let name = codec.format.normalizedName
        return (name == "pcmu" || name == "pcma") && codec.format.channels == 1
    }

    // MARK: Transcoded directions

    /// Runs the transcoded direction from `leg` here (instead of the plain route) so its
    /// output can be held back while an event is sent to the other leg, and its tap can
    /// detect, strip and generate tones.
    private func transcodeWithDTMF(header: RTPHeader, buffer: ByteBuffer, from leg: MediaLeg, now: UInt64) -> Bool {
        guard let pipeline = pipelines[leg.rawValue] else { return false }
        let egress = leg.other
        updateTap(on: pipeline, from: leg)
        let target = dtmf[egress]
        let payload = header.payloadRange
        buffer.withUnsafeReadableBytes { bytes in
            pipeline.receive(
                payload: UnsafeRawBufferPointer(rebasing: bytes[payload]), sequenceNumber: header.sequenceNumber,
                timestamp: header.timestamp, marker: header.marker, arrival: now
            ) { packet in
                target.lastTranscodedTimestamp = packet.timestamp
                target.lastTranscodedAt = now
                // §2.5.1.2: no audio while an event is sent; the event takes the sequence numbers.
                if target.sender?.suppressesAudio == true {
                    pipeline.discardEmittedPacket()
                    return
                }
                sendTranscoded(packet, to: egress, now: now)
            }
        }
        return true
    }

    /// Attaches (or detaches) the DTMF tap of the direction from `leg` to its pipeline.
    func updateTap(on pipeline: TranscodingPipeline, from leg: MediaLeg) {
        let state = dtmf[leg]
        let detects = state.configuration?.detectsInBand == true
        let generator = dtmf[leg.other].generator
        if !detects, generator == nil {
            if pipeline.tap != nil, pipeline.tap === state.tap { pipeline.tap = nil }
            return
        }
        let tap = state.tap ?? DTMFDirectionTap(ingress: leg, events: events)
        state.tap = tap
        if detects, tap.detector == nil { tap.detector = InBandDTMFDetector() }
        if !detects { tap.detector = nil }
        tap.removesTones = state.configuration?.removesInBandTones == true
        tap.generator = generator
        if pipeline.tap !== tap { pipeline.tap = tap }
    }
}
