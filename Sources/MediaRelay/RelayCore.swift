import NIOCore
import RTPCore
import SIPCore
import SecureRTP
import Transcoding

/// The per-packet state of one media session: latching, SRTP, payload routing, continuity,
/// transcoding and counters for both legs. Lives on the session's event loop only (not
/// Sendable; reached through `NIOLoopBound`).
final class RelayCore {
    struct Leg {
        /// The leg's RTP socket (and RTCP socket without rtcp-mux) on the media loop; -1 when closed.
        var socket: Int32 = -1
        var rtcpSocket: Int32 = -1
        var configuration: LegConfiguration?
        /// `configuration != nil`, checked per packet without copying the configuration.
        var isConfigured = false
        /// `configuration?.direction.sends` (true until configured otherwise): RTP goes to this leg.
        var sends = true
        /// `configuration?.direction.receives`: the media timeout watches this leg.
        var receives = true
        /// The configuration's fields the per-packet path reads, as plain scalars: reading them
        /// through the optional configuration copied it (strings, parameters, keys retained).
        /// `configuration?.codec.payloadType`.
        var payloadType: UInt8 = 0
        /// `configuration?.codec.telephoneEventPayloadType`, -1 without.
        var telephoneEventPayloadType: Int16 = -1
        /// `configuration?.outgoingSSRC`.
        var outgoingSSRC: UInt32 = 0
        /// `configuration?.codec.format.clockRate`.
        var clockRate = 8000
        /// The leg's RTP is transcoded for the other (`routers[leg]?.needsTranscoding`): the
        /// engine terminates its RTCP and reports to it itself.
        var transcoded = false
        var latch: SymmetricLatch<MediaAddress>
        var rtcpTarget: MediaAddress?
        var srtp: SRTPSession?
        var counters = LegCounters()
        var reception: RTPReceptionStatistics?
        var lastReceived: UInt64 = 0
        var timedOut = false
        /// Our own RTCP toward a transcoded leg (RelayCore+Reports).
        var report = ReportState()
    }

    let settings: MediaEngine.Configuration
    let rtcpMux: Bool
    /// Audio (relay or transcode) or video (relay only).
    let kind: MediaStreamKind
    let events: MediaEventSink
    var legs: [Leg]
    /// The outgoing stream to each leg (indexed by the egress leg).
    var continuity: [StreamContinuity?] = [nil, nil]
    /// The payload routing from each leg (indexed by the ingress leg).
    var routers: [PayloadRouter?] = [nil, nil]
    /// `routers` as plain integers for the per-packet path.
    var fastRoutes: [FastRoute?] = [nil, nil]
    /// The transcoder from each leg when its codec differs from the other's.
    var pipelines: [TranscodingPipeline?] = [nil, nil]
    let allocator = ByteBufferAllocator()
    /// Reused for every transcoded packet built (`sendTranscoded`): the loop copies it into its
    /// send slab, so the storage stays unique and clearing it allocates nothing. Made on the
    /// first transcoded packet: a relay-only session (most calls) never allocates it. Taken out
    /// while a packet is built and put back after: not a `lazy var`, whose `&` access goes
    /// through its getter and setter, so the getter's copy made every write copy the storage
    /// (an allocation, a copy and a free per transcoded packet).
    var transcodedPacket: ByteBuffer?
    /// The loop this core's sockets are read on and its packets are sent from.
    let loop: MediaIOLoop
    /// The same loop as a NIO `EventLoop` (scheduled tasks, `NIOLoopBound`).
    var eventLoop: any EventLoop { loop }

    /// No RTCP report is due before this time (RelayCore+Reports.swift; 0: look at the next tick).
    var nextReportCheck: UInt64 = 0

    /// DTMF state of both legs (RelayCore+DTMF.swift).
    let dtmf = RelayDTMF()
    /// Each leg's sockets and their slots on `loop` (parked or closed by `loop.unregister`).
    var endpoints = CoreEndpoints()

    convenience init(settings: MediaEngine.Configuration, rtcpMux: Bool, kind: MediaStreamKind,
                     events: AsyncStream<MediaEvent>.Continuation, loop: MediaIOLoop) {
        self.init(settings: settings, rtcpMux: rtcpMux, kind: kind, events: MediaEventSink(events), loop: loop)
    }

    init(settings: MediaEngine.Configuration, rtcpMux: Bool, kind: MediaStreamKind, events: MediaEventSink, loop: MediaIOLoop) {
        self.settings = settings
        self.kind = kind
        self.loop = loop
        self.rtcpMux = rtcpMux
        self.events = events
        let latch = SymmetricLatch<MediaAddress>(
            sdpAddress: nil, probationPackets: settings.probationPackets, probationWindow: UInt64(settings.probationWindow.nanoseconds))
        legs = [Leg(latch: latch), Leg(latch: latch)]
    }

    func attach(leg: MediaLeg, socket: Int32, rtcpSocket: Int32?) {
        legs[leg.rawValue].socket = socket
        legs[leg.rawValue].rtcpSocket = rtcpSocket ?? -1
    }

    // MARK: Control

    func configure(leg: MediaLeg, _ configuration: LegConfiguration, now: UInt64) throws(MediaRelayError) {
        let index = leg.rawValue
        if let srtp = configuration.srtp {
            // Only the previous keys, not the whole configuration (codec strings, fmtp).
            let previous = legs[index].configuration?.srtp
            do {
                if let session = legs[index].srtp, session.suite == srtp.suite {
                    if previous != srtp {
                        // Only a changed key gets a new context (RFC 4568 §7.1.4): the same key
                        // with its ROC back at 0 would reuse key stream once the sequence wrapped
                        // (our stream continues across re-INVITEs) and fail the peer's auth check.
                        try session.rekey(localKey: previous?.localKey == srtp.localKey ? nil : srtp.localKey,
                                          remoteKey: previous?.remoteKey == srtp.remoteKey ? nil : srtp.remoteKey)
                    }
                } else {
                    legs[index].srtp = try SRTPSession(
                        suite: srtp.suite, localKey: srtp.localKey, remoteKey: srtp.remoteKey, backend: settings.srtpBackend)
                }
            } catch {
                throw .srtpKey
            }
        } else {
            legs[index].srtp = nil
        }
        legs[index].configuration = configuration
        legs[index].isConfigured = true
        legs[index].sends = configuration.direction.sends
        legs[index].receives = configuration.direction.receives
        legs[index].payloadType = configuration.codec.payloadType
        legs[index].telephoneEventPayloadType = configuration.codec.telephoneEventPayloadType.map { Int16($0) } ?? -1
        legs[index].outgoingSSRC = configuration.outgoingSSRC
        legs[index].clockRate = configuration.codec.format.clockRate
        legs[index].latch.relatch(sdpAddress: MediaAddress(configuration.remote))
        legs[index].rtcpTarget = nil
        legs[index].lastReceived = now
        legs[index].timedOut = false
        legs[index].reception = nil
        legs[index].report.receptionSource = nil
        // The stream to this leg: created once, so a re-INVITE keeps SSRC/seq/ts continuous.
        if continuity[index] == nil || continuity[index]?.configuration.clockRate != configuration.codec.format.clockRate {
            var random = PooledRandom()
            continuity[index] = StreamContinuity(configuration: .init(
                ssrc: configuration.outgoingSSRC, clockRate: configuration.codec.format.clockRate,
                firstSequenceNumber: .random(in: 0 ... .max, using: &random),
                firstTimestamp: .random(in: 0 ... .max, using: &random)))
        }
        nextReportCheck = 0  // Reports may be due to this leg now: look again at the next tick.
        // This leg's media source may have moved: the other leg's stream re-anchors.
        continuity[leg.other.rawValue]?.sourceWillChange()
        try rebuildRoutes()
    }

    /// ``MediaSession/setDirection(_:)`` for one leg: a configured leg's hold state only; a leg
    /// watched again by the media timeout starts its silence count now.
    func setDirection(leg: MediaLeg, _ direction: MediaLegDirection, now: UInt64) {
        let index = leg.rawValue
        guard legs[index].isConfigured else { return }
        if direction.receives, !legs[index].receives {
            legs[index].lastReceived = now
            legs[index].timedOut = false
        }
        legs[index].configuration?.direction = direction
        legs[index].sends = direction.sends
        legs[index].receives = direction.receives
    }

    private func rebuildRoutes() throws(MediaRelayError) {
        // The codecs only (no array of configuration pairs per configure).
        guard let a = legs[0].configuration?.codec, let b = legs[1].configuration?.codec else { return }
        try rebuildRoute(0, ingress: a, egress: b)
        try rebuildRoute(1, ingress: b, egress: a)
    }

    /// The payload routing (and transcoder) of the direction from leg `index`.
    private func rebuildRoute(_ index: Int, ingress: MediaCodec, egress: MediaCodec) throws(MediaRelayError) {
        let router = PayloadRouter(ingress: ingress, egress: egress)
        let unchanged = routers[index] == router
        routers[index] = router
        fastRoutes[index] = FastRoute(router)
        legs[index].transcoded = router.needsTranscoding
        if !router.needsTranscoding {
            pipelines[index] = nil
        } else if kind == .video {
            // Video is never transcoded: the SDP layer must only pair legs sharing a codec.
            pipelines[index] = nil
            throw .unsupportedCodec("video \(ingress.format) → \(egress.format)")
        } else if !unchanged || pipelines[index] == nil {
            do {
                // Code at the narrower leg's audio rate: PCMU ↔ Opus runs Opus at 8 kHz (no
                // resampling, a narrowband encoder), since nothing above 4 kHz exists anyway.
                let codecSettings = CodecSettings(preferredSampleRate: min(
                    Self.audioSampleRate(ingress.format), Self.audioSampleRate(egress.format)))
                let decoder = try settings.codecs.makeCodec(for: ingress.format, settings: codecSettings)
                let encoder = try settings.codecs.makeCodec(for: egress.format, settings: codecSettings)
                var random = PooledRandom()
                pipelines[index] = try TranscodingPipeline(decoder: decoder, encoder: encoder, configuration: .init(
                    packetDuration: egress.packetDuration, timestampBase: .random(in: 0 ... .max, using: &random),
                    sequenceBase: .random(in: 0 ... .max, using: &random)))
            } catch {
                throw .unsupportedCodec("\(ingress.format) → \(egress.format)")
            }
        }
    }

    /// The PCM rate a format carries audio at: its clock, except G.722 (16 kHz audio on an
    /// 8000 RTP clock, RFC 3551 §4.5.2).
    static func audioSampleRate(_ format: CodecFormat) -> Int {
        format.normalizedName == "g722" ? 16000 : format.clockRate
    }

    func relatch(leg: MediaLeg, remote: SocketAddress?) {
        legs[leg.rawValue].latch.relatch(sdpAddress: remote.flatMap { MediaAddress($0) })
        legs[leg.rawValue].rtcpTarget = nil
    }

    func counters(leg: MediaLeg) -> LegCounters {
        var counters = legs[leg.rawValue].counters
        counters.latchedAddress = legs[leg.rawValue].latch.target?.socketAddress
        return counters
    }

    /// Closes this core's sockets and stops its ticks (on the loop). The end packets of an
    /// RFC 4733 event in progress go out first (RFC 4733 §2.5.1.4).
    func closeAll() {
        finishDTMF()
        loop.flushOutput()
        loop.unregister(core: self)
        for index in legs.indices {
            legs[index].socket = -1
            legs[index].rtcpSocket = -1
        }
        pipelines[0] = nil
        pipelines[1] = nil
        events.finish()
    }

    // MARK: Timers

    /// Raises `mediaTimeout` for a configured leg silent for longer than the media timeout; a
    /// leg not expected to send (held: ``MediaLegDirection/receives``) is not watched.
    func checkTimeouts(now: UInt64) {
        guard kind == .audio else { return }
        let timeout = UInt64(settings.mediaTimeout.nanoseconds)
        for index in legs.indices where legs[index].isConfigured && legs[index].receives && !legs[index].timedOut {
            if now &- legs[index].lastReceived > timeout {
                legs[index].timedOut = true
                events.yield(.mediaTimeout(leg: MediaLeg(rawValue: index) ?? .a))
            }
        }
    }

    /// Releases what the transcoders' jitter buffers held past their deadlines (every tick, 10 ms,
    /// for every session: kept to a few loads when nothing is due).
    func pollTranscoders(now: UInt64) {
        // A relay-only session (most calls) has nothing to do here.
        guard legs[0].transcoded || legs[1].transcoded else { return }
        for index in 0..<2 {
            guard let pipeline = pipelines[index], let deadline = pipeline.nextDeadline, deadline <= now else { continue }
            let egress = MediaLeg(rawValue: index)?.other ?? .a
            pipeline.poll(now: now) { packet in sendTranscoded(packet, to: egress, now: now) }
        }
        if now >= nextReportCheck { sendReportsIfDue(now: now) }
    }
}
