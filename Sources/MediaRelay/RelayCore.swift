import NIOCore
import RTPCore
import SecureRTP
import Transcoding

/// The per-packet state of one media session: latching, SRTP, payload routing, continuity,
/// transcoding and counters for both legs. Lives on the session's event loop only (not
/// Sendable; reached through `NIOLoopBound`).
final class RelayCore {
    struct Leg {
        var channel: (any Channel)?
        var rtcpChannel: (any Channel)?
        var configuration: LegConfiguration?
        var latch: SymmetricLatch<SocketAddress>
        var rtcpTarget: SocketAddress?
        var srtp: SRTPSession?
        var counters = LegCounters()
        var reception: RTPReceptionStatistics?
        var lastReceived: UInt64 = 0
        var timedOut = false
        var pendingFlush = false
        var pendingRTCPFlush = false
    }

    let settings: MediaEngine.Configuration
    let rtcpMux: Bool
    let events: AsyncStream<MediaEvent>.Continuation
    var legs: [Leg]
    /// The outgoing stream to each leg (indexed by the egress leg).
    var continuity: [StreamContinuity?] = [nil, nil]
    /// The payload routing from each leg (indexed by the ingress leg).
    var routers: [PayloadRouter?] = [nil, nil]
    /// The transcoder from each leg when its codec differs from the other's.
    var pipelines: [TranscodingPipeline?] = [nil, nil]
    let allocator = ByteBufferAllocator()
    /// The transcoders' jitter-buffer timer: runs only while a direction transcodes, so a
    /// same-codec session costs no timer wake-ups.
    var pollTask: RepeatedTask?

    let eventLoop: any EventLoop
    /// DTMF state of both legs (RelayCore+DTMF.swift).
    let dtmf = RelayDTMF()

    init(settings: MediaEngine.Configuration, rtcpMux: Bool, events: AsyncStream<MediaEvent>.Continuation, eventLoop: any EventLoop) {
        self.settings = settings
        self.eventLoop = eventLoop
        self.rtcpMux = rtcpMux
        self.events = events
        let latch = SymmetricLatch<SocketAddress>(
            sdpAddress: nil, probationPackets: settings.probationPackets, probationWindow: UInt64(settings.probationWindow.nanoseconds))
        legs = [Leg(latch: latch), Leg(latch: latch)]
    }

    func attach(leg: MediaLeg, channel: any Channel, rtcpChannel: (any Channel)?) {
        legs[leg.rawValue].channel = channel
        legs[leg.rawValue].rtcpChannel = rtcpChannel
    }

    // MARK: Control

    func configure(leg: MediaLeg, _ configuration: LegConfiguration, now: UInt64) throws(MediaRelayError) {
        let index = leg.rawValue
        let previous = legs[index].configuration
        if let srtp = configuration.srtp {
            do {
                if let session = legs[index].srtp, session.suite == srtp.suite {
                    if previous?.srtp != srtp {
                        try session.rekey(localKey: srtp.localKey, remoteKey: srtp.remoteKey)
                    }
                } else {
                    legs[index].srtp = try SRTPSession(suite: srtp.suite, localKey: srtp.localKey, remoteKey: srtp.remoteKey)
                }
            } catch {
                throw .srtpKey
            }
        } else {
            legs[index].srtp = nil
        }
        legs[index].configuration = configuration
        legs[index].latch.relatch(sdpAddress: configuration.remote)
        legs[index].rtcpTarget = nil
        legs[index].lastReceived = now
        legs[index].timedOut = false
        legs[index].reception = nil
        // The stream to this leg: created once, so a re-INVITE keeps SSRC/seq/ts continuous.
        if continuity[index] == nil || continuity[index]?.configuration.clockRate != configuration.codec.format.clockRate {
            continuity[index] = StreamContinuity(configuration: .init(
                ssrc: configuration.outgoingSSRC, clockRate: configuration.codec.format.clockRate,
                firstSequenceNumber: .random(in: 0 ... .max), firstTimestamp: .random(in: 0 ... .max)))
        }
        // This leg's media source may have moved: the other leg's stream re-anchors.
        continuity[leg.other.rawValue]?.sourceWillChange()
        defer { updatePollTimer() }
        try rebuildRoutes()
    }

    private func rebuildRoutes() throws(MediaRelayError) {
        guard let a = legs[0].configuration, let b = legs[1].configuration else { return }
        for (ingress, egress, index) in [(a, b, 0), (b, a, 1)] {
            let router = PayloadRouter(ingress: ingress.codec, egress: egress.codec)
            let unchanged = routers[index] == router
            routers[index] = router
            if !router.needsTranscoding {
                pipelines[index] = nil
            } else if !unchanged || pipelines[index] == nil {
                do {
                    let decoder = try settings.codecs.makeCodec(for: ingress.codec.format)
                    let encoder = try settings.codecs.makeCodec(for: egress.codec.format)
                    pipelines[index] = try TranscodingPipeline(decoder: decoder, encoder: encoder, configuration: .init(
                        packetDuration: egress.codec.packetDuration,
                        timestampBase: .random(in: 0 ... .max), sequenceBase: .random(in: 0 ... .max)))
                } catch {
                    throw .unsupportedCodec("\(ingress.codec.format) → \(egress.codec.format)")
                }
            }
        }
    }

    func relatch(leg: MediaLeg, remote: SocketAddress?) {
        legs[leg.rawValue].latch.relatch(sdpAddress: remote)
        legs[leg.rawValue].rtcpTarget = nil
    }

    func counters(leg: MediaLeg) -> LegCounters {
        var counters = legs[leg.rawValue].counters
        counters.latchedAddress = legs[leg.rawValue].latch.target
        return counters
    }

    func closeAll() -> [any Channel] {
        finishDTMF()  // end packets of an event in progress go out before the sockets close
        let channels = legs.flatMap { [$0.channel, $0.rtcpChannel].compactMap { $0 } }
        for index in legs.indices {
            legs[index].channel = nil
            legs[index].rtcpChannel = nil
        }
        pipelines = [nil, nil]
        pollTask?.cancel()
        pollTask = nil
        events.finish()
        return channels
    }

    // MARK: Timers

    /// Raises `mediaTimeout` for a configured leg silent for longer than the media timeout.
    func checkTimeouts(now: UInt64) {
        let timeout = UInt64(settings.mediaTimeout.nanoseconds)
        for index in legs.indices where legs[index].configuration != nil && !legs[index].timedOut {
            if now &- legs[index].lastReceived > timeout {
                legs[index].timedOut = true
                events.yield(.mediaTimeout(leg: MediaLeg(rawValue: index) ?? .a))
            }
        }
    }

    /// Starts or stops the transcoders' poll timer to match whether any direction transcodes.
    func updatePollTimer() {
        let loop = eventLoop
        let needed = pipelines.contains { $0 != nil }
        if needed, pollTask == nil {
            let bound = NIOLoopBound(self, eventLoop: loop)
            pollTask = loop.scheduleRepeatedTask(initialDelay: settings.tickInterval, delay: settings.tickInterval) { _ in
                bound.value.pollTranscoders(now: NIODeadline.now().uptimeNanoseconds)
            }
        } else if !needed, let task = pollTask {
            task.cancel()
            pollTask = nil
        }
    }

    /// Releases what the transcoders' jitter buffers held past their deadlines.
    func pollTranscoders(now: UInt64) {
        for index in pipelines.indices {
            guard let pipeline = pipelines[index], let deadline = pipeline.nextDeadline, deadline <= now else { continue }
            let egress = MediaLeg(rawValue: index)?.other ?? .a
            pipeline.poll(now: now) { packet in sendTranscoded(packet, to: egress) }
        }
        flushPending()
    }

    func flushPending() {
        for index in legs.indices {
            if legs[index].pendingFlush {
                legs[index].pendingFlush = false
                legs[index].channel?.flush()
            }
            if legs[index].pendingRTCPFlush {
                legs[index].pendingRTCPFlush = false
                (legs[index].rtcpChannel ?? legs[index].channel)?.flush()
            }
        }
    }
}
