import RTPCore

/// One direction of a transcoded call: RTP payloads of leg A's codec in, payloads of leg B's
/// codec out, with leg B's ptime and timestamps on leg B's clock.
///
/// ```
/// receive(payload, seq, ts, marker, arrival) → JitterBuffer (reorder, loss after an adaptive wait)
///   → decode (PLC or Opus FEC on loss) → downmix → Resampler → AudioTap (DTMF)
///   → cut into ptime frames → upmix → encode → emit(OutputPacket)
/// ```
///
/// Driven only by packets and the caller's clock: `receive` releases whatever is in order;
/// when packets wait behind a gap, `nextDeadline` says when to call `poll(now:emit:)`.
/// Outgoing timestamps follow the incoming ones in real time (`RTPTimestampRescaler`), so
/// silence suppression and DTX gaps carry over as timestamp jumps (with the marker bit).
/// Steady state allocates nothing. Not Sendable: one per call direction on the call's loop.
public final class TranscodingPipeline {
    /// The incoming leg's codec (decodes).
    public let decoder: any AudioCodec
    /// The outgoing leg's codec (encodes).
    public let encoder: any AudioCodec
    public let configuration: Configuration
    /// Sees the decoded audio (DTMF detection); nil by default.
    public var tap: (any AudioTap)?
    public internal(set) var statistics = Statistics()
    /// The jitter buffer, for its statistics.
    public private(set) var jitterBuffer: JitterBuffer

    let frameSamples: Int
    let frameUnits: Int
    let resampler: Resampler
    let maximumConcealmentUnits: Int
    // Work buffers, allocated once and owned by the pipeline (freed in deinit): the per-packet
    // path reaches them without array uniqueness checks or copy-on-write paths.
    let decoded: UnsafeMutableBufferPointer<Int16>
    let mono: UnsafeMutableBufferPointer<Int16>
    let resampled: UnsafeMutableBufferPointer<Int16>
    let accumulator: UnsafeMutableBufferPointer<Int16>
    var accumulated = 0
    let interleaved: UnsafeMutableBufferPointer<Int16>
    let payload: UnsafeMutableRawBufferPointer

    var started = false
    /// Incoming-clock timestamp where the next decoded sample belongs.
    var nextInputTimestamp: UInt32 = 0
    /// Incoming-clock timestamp of `accumulator[0]`.
    var frameStartTimestamp: UInt32 = 0
    var rescaler: RTPTimestampRescaler
    var lastOutputTimestamp: UInt32
    var nextSequenceNumber: UInt16
    var pendingMarker = true
    var lastPacketUnits: Int

    /// A pipeline decoding with `decoder` and encoding with `encoder` (instances of its own: a
    /// codec keeps per-stream state, so the opposite direction gets separate ones). Throws
    /// `unsupportedFrameSize` when the encoder cannot send `configuration.packetDuration`.
    public init(decoder: any AudioCodec, encoder: any AudioCodec, configuration: Configuration = Configuration()) throws(CodecError) {
        guard encoder.frameDurations.contains(configuration.packetDuration) else {
            throw .unsupportedFrameSize(encoder.samples(milliseconds: configuration.packetDuration))
        }
        self.decoder = decoder
        self.encoder = encoder
        self.configuration = configuration
        var jitterConfiguration = configuration.jitterBuffer ?? JitterBuffer.Configuration(clockRate: decoder.rtpClockRate)
        jitterConfiguration.clockRate = decoder.rtpClockRate
        jitterBuffer = JitterBuffer(configuration: jitterConfiguration)
        frameSamples = encoder.samples(milliseconds: configuration.packetDuration)
        // The frame's length on the incoming clock: where the next frame starts.
        frameUnits = decoder.rtpClockRate * configuration.packetDuration / 1000
        maximumConcealmentUnits = decoder.rtpClockRate * configuration.maximumConcealment / 1000
        lastPacketUnits = decoder.rtpClockRate / 50
        resampler = Resampler(from: decoder.sampleRate, to: encoder.sampleRate)
        let decodeCapacity = decoder.sampleRate * OpusCodec.maximumPacketDuration / 1000
        decoded = Self.samples(decodeCapacity * decoder.channels)
        mono = Self.samples(decodeCapacity)
        resampled = Self.samples(resampler.maximumOutput(forInput: decodeCapacity) + 8)
        accumulator = Self.samples(frameSamples)
        interleaved = Self.samples(frameSamples * encoder.channels)
        payload = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1500, frameSamples * encoder.channels * 2 + 64), alignment: 16)
        payload.initializeMemory(as: UInt8.self, repeating: 0)
        rescaler = RTPTimestampRescaler(inputRate: decoder.rtpClockRate, outputRate: encoder.rtpClockRate, outputBase: configuration.timestampBase)
        lastOutputTimestamp = configuration.timestampBase
        nextSequenceNumber = configuration.sequenceBase
    }

    deinit {
        for buffer in [decoded, mono, resampled, accumulator, interleaved] { buffer.deallocate() }
        payload.deallocate()
    }

    /// A zeroed sample buffer of `count` (at least 1).
    private static func samples(_ count: Int) -> UnsafeMutableBufferPointer<Int16> {
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(1, count))
        buffer.initialize(repeating: 0)
        return buffer
    }

    /// When packets wait behind a gap: the time (ns, the caller's clock) to call `poll`.
    public var nextDeadline: UInt64? { jitterBuffer.nextDeadline }

    /// Takes one incoming RTP packet that arrived at `arrival` ns; emits the outgoing packets it
    /// completes. Peer input never traps: bad payloads are concealed and counted.
    public func receive(payload: UnsafeRawBufferPointer, sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, arrival: UInt64, emit: (OutputPacket) -> Void) {
        // In order with nothing waiting (nearly every packet): decoded from where it lies.
        if jitterBuffer.acceptInOrder(sequenceNumber: sequenceNumber, timestamp: timestamp, payloadCount: payload.count, arrival: arrival) {
            process(packet: JitterBuffer.Packet(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker, slot: -1),
                    payload: payload, emit: emit)
            return
        }
        var result = jitterBuffer.insert(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker, payload: payload, arrival: arrival)
        if result == .tooFarAhead {
            // Far ahead of a gap: give up waiting and release what is held, then retry.
            drain(now: arrival, force: true, emit: emit)
            result = jitterBuffer.insert(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker, payload: payload, arrival: arrival)
            if result == .tooFarAhead {
                jitterBuffer.reset()
                result = jitterBuffer.insert(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker, payload: payload, arrival: arrival)
            }
        }
        if result == .restarted { restartTimeline(emit: emit) }
        drain(now: arrival, force: false, emit: emit)
    }

    /// Declares overdue gaps lost at `now` and emits what that releases.
    public func poll(now: UInt64, emit: (OutputPacket) -> Void) {
        drain(now: now, force: false, emit: emit)
    }

    /// Sends what is buffered: releases every held packet (gaps concealed) and pads the last
    /// partial frame with silence (end of call or hold).
    public func flush(now: UInt64, emit: (OutputPacket) -> Void) {
        drain(now: now, force: true, emit: emit)
        if accumulated > 0 { padFrame(emit: emit) }
    }

    private func drain(now: UInt64, force: Bool, emit: (OutputPacket) -> Void) {
        while let output = jitterBuffer.next(now: now, force: force) {
            switch output {
            case .packet(let packet):
                jitterBuffer.withPayload(packet) { bytes in
                    process(packet: packet, payload: bytes, emit: emit)
                }
            case .lost(_, let next):
                if let next {
                    jitterBuffer.withPayload(next) { bytes in
                        conceal(until: next.timestamp, nextPayload: bytes, emit: emit)
                    }
                }
            }
        }
    }
}
