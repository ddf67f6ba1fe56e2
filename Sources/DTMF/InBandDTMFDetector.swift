import CSpanDSP
import NIOCore

/// Detects DTMF tones in 8 kHz 16-bit PCM with spandsp's `dtmf_rx` (ITU-T Q.24 limits).
///
/// Feed it decoded audio of a leg (G.711 and G.722 decode to, or are resampled to, 8 kHz; Opus
/// decodes straight to 8 kHz). spandsp's realtime callback reports each tone's start and stop;
/// durations are counted in samples, so they do not depend on when `process` is called.
///
/// Owns the spandsp state: not Sendable, one instance per leg on that call's event loop.
public final class InBandDTMFDetector {
    /// The only sample rate spandsp's detector runs at.
    public static let sampleRate = 8000

    private let state: OpaquePointer
    private let collector = ToneReportCollector()
    private var samplesProcessed = 0
    private var startSample: Int?
    private var startDigit: DTMFDigit?

    /// A detector; `nil` only if spandsp cannot allocate its state.
    public init?() {
        guard let state = dtmf_rx_init(nil, nil, nil) else { return nil }
        self.state = state
        dtmf_rx_set_realtime_callback(state, reportTone, Unmanaged.passUnretained(collector).toOpaque())
    }

    deinit {
        dtmf_rx_free(state)
    }

    /// Whether a tone is present now (between a reported start and stop).
    public var toneActive: Bool { startDigit != nil }

    /// Runs `samples` (8 kHz PCM) through the detector; returns the starts and ends found.
    /// `time` is the arrival time of the frame's first sample, used as the events' time.
    public func process(_ samples: UnsafeBufferPointer<Int16>, at time: NIODeadline) -> [DTMFEvent] {
        guard let base = samples.baseAddress, !samples.isEmpty else { return [] }
        collector.reports.removeAll(keepingCapacity: true)
        // spandsp processes the whole block; the return value is always 0 for dtmf_rx.
        withExtendedLifetime(collector) {
            _ = dtmf_rx(state, base, Int32(samples.count))
        }
        let frameStart = samplesProcessed
        samplesProcessed += samples.count
        var events: [DTMFEvent] = []
        for code in collector.reports {
            // Report positions inside the block are not given; the block's end is used.
            let position = frameStart + samples.count
            if code == 0 {
                guard let digit = startDigit, let start = startSample else { continue }
                let milliseconds = (position - start) * 1000 / Self.sampleRate
                events.append(DTMFEvent(digit: digit, phase: .end(durationMilliseconds: milliseconds), method: .inband, time: time))
                startDigit = nil
                startSample = nil
            } else if code > 0, code < 256, let digit = DTMFDigit(ascii: UInt8(code)) {
                if let previous = startDigit, let start = startSample {
                    // A new tone without a stop in between: end the previous one here.
                    let milliseconds = (position - start) * 1000 / Self.sampleRate
                    events.append(DTMFEvent(digit: previous, phase: .end(durationMilliseconds: milliseconds), method: .inband, time: time))
                }
                startDigit = digit
                startSample = position
                events.append(DTMFEvent(digit: digit, phase: .start, method: .inband, time: time))
            }
        }
        return events
    }

    /// Runs an array of samples through the detector.
    public func process(_ samples: [Int16], at time: NIODeadline) -> [DTMFEvent] {
        samples.withUnsafeBufferPointer { process($0, at: time) }
    }
}

/// Receives spandsp's realtime reports for one detector (passed as its `user_data`).
final class ToneReportCollector {
    var reports: [Int32] = []
}

/// spandsp's realtime tone callback: at file scope so it carries no actor isolation
/// (C-LIBRARIES.md). `code` is the digit's ASCII value at the start, 0 at the end.
private func reportTone(_ userData: UnsafeMutableRawPointer?, _ code: Int32, _ level: Int32, _ delay: Int32) {
    guard let userData else { return }
    Unmanaged<ToneReportCollector>.fromOpaque(userData).takeUnretainedValue().reports.append(code)
}
