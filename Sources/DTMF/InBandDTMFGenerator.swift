import CSpanDSP

/// Generates DTMF tones into 8 kHz 16-bit PCM frames with spandsp's `dtmf_tx`, for legs whose
/// mode is in-band. Digits play in order, each for its own duration followed by `gap`.
///
/// Owns the spandsp state: not Sendable, one instance per leg on that call's event loop.
public final class InBandDTMFGenerator {
    /// How generated tones enter a frame.
    public enum Blend: Sendable {
        /// Tone replaces the audio (the usual choice: a clean tone is detected best).
        case replace
        /// Tone is added to the audio, saturating.
        case mix
    }

    private let state: OpaquePointer
    private var pending: [(digit: DTMFDigit, milliseconds: Int)] = []
    private var scratch: [Int16] = []
    private var playing = false
    /// Silence after each digit.
    public let gapMilliseconds: Int

    /// A generator at spandsp's default level (−10 dBm0 per tone, no twist); `nil` only if
    /// spandsp cannot allocate its state.
    public init?(gapMilliseconds: Int = 100) {
        guard let state = dtmf_tx_init(nil) else { return nil }
        self.state = state
        self.gapMilliseconds = gapMilliseconds
    }

    deinit {
        dtmf_tx_free(state)
    }

    /// Whether a digit is playing or queued.
    public var isActive: Bool { playing || !pending.isEmpty }

    /// Queues `digit` for `milliseconds` of tone (at least 40 ms, the Q.24 minimum).
    public func enqueue(_ digit: DTMFDigit, milliseconds: Int) {
        pending.append((digit, max(40, min(milliseconds, DTMFInfoBody.maximumDurationMilliseconds))))
    }

    /// Drops queued digits (the one playing finishes).
    public func cancelQueued() {
        pending.removeAll()
    }

    /// Writes tones into `frame`. Returns whether any tone (or its gap) was written; with
    /// nothing to play the frame is untouched.
    @discardableResult
    public func fill(_ frame: UnsafeMutableBufferPointer<Int16>, blend: Blend = .replace) -> Bool {
        guard isActive, !frame.isEmpty else { return false }
        if scratch.count < frame.count { scratch = [Int16](repeating: 0, count: frame.count) }
        var written = 0
        while written < frame.count {
            if !playing {
                guard !pending.isEmpty else { break }
                let next = pending.removeFirst()
                dtmf_tx_set_timing(state, Int32(next.milliseconds), Int32(gapMilliseconds))
                // dtmf_tx_put returns how many digits did NOT fit: 0 is success.
                guard dtmf_tx_put(state, [CChar(bitPattern: next.digit.ascii), 0], 1) == 0 else { continue }
                playing = true
            }
            let want = frame.count - written
            let count = scratch.withUnsafeMutableBufferPointer { buffer in
                Int(dtmf_tx(state, buffer.baseAddress, Int32(want)))
            }
            for index in 0..<count {
                let sample = scratch[index]
                switch blend {
                case .replace: frame[written + index] = sample
                case .mix: frame[written + index] = Int16(clamping: Int(frame[written + index]) + Int(sample))
                }
            }
            written += count
            if count < want { playing = false }
        }
        return written > 0
    }

    /// Writes tones into an array frame.
    @discardableResult
    public func fill(_ frame: inout [Int16], blend: Blend = .replace) -> Bool {
        frame.withUnsafeMutableBufferPointer { fill($0, blend: blend) }
    }
}
