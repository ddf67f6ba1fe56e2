/// Removes in-band DTMF from audio whose digits are re-sent as events, so the far end does not
/// hear (and detect) each digit twice (INTEROP.md: "strip in-band tones from audio when the
/// digit is regenerated as an event").
///
/// Approach: a delay line. The detector reports a tone only after it has been present for some
/// tens of milliseconds, by which time the first frames of the tone would already have been
/// sent. So frames are held back `lookaheadFrames` frames: when the detector reports a tone,
/// the held frames and every frame until the tone's stop (plus `hangoverFrames`) leave as
/// silence or a low noise floor. The caller runs the detector on each incoming frame first,
/// then passes the frame with the detector's `toneActive` to `process`, and sends what
/// `process` leaves in the frame.
///
/// Limits:
/// - It adds `lookaheadFrames` × ptime of latency to the leg's audio (40 ms with the default of
///   two 20 ms frames); use it only on legs where digits are converted, not on every call.
/// - A tone's onset longer than the lookahead before the detector reports it leaks through
///   (spandsp needs about two 102-sample blocks, well inside 40 ms, for clean tones; noisy or
///   low-level tones take longer).
/// - Speech misdetected as a digit ("talk-off") is muted for the same time; spandsp's Q.24
///   checks make that rare.
/// - The replacement is flat silence or a tiny noise floor, not matched comfort noise.
public struct InBandToneRemover: Sendable {
    /// What replaces a frame holding a tone.
    public enum Replacement: Sendable, Hashable {
        /// Digital silence.
        case silence
        /// Low white noise of this peak amplitude (a few units: about −70 dBm0), so the far
        /// end's VAD/jitter logic sees a live stream.
        case noise(amplitude: Int16)
    }

    /// Frames held back.
    public let lookaheadFrames: Int
    /// Frames still replaced after the detector reports the tone's end.
    public let hangoverFrames: Int
    /// The replacement.
    public let replacement: Replacement

    private var delayed: [[Int16]] = []
    /// Flags for the frames in `delayed`: whether each must be replaced.
    private var marked: [Bool] = []
    private var hangoverLeft = 0
    private var noiseState: UInt32 = 0x1234_5678

    /// A remover.
    public init(lookaheadFrames: Int = 2, hangoverFrames: Int = 1, replacement: Replacement = .silence) {
        precondition(lookaheadFrames >= 0 && hangoverFrames >= 0, "DTMF: frame counts must not be negative")
        self.lookaheadFrames = lookaheadFrames
        self.hangoverFrames = hangoverFrames
        self.replacement = replacement
    }

    /// Passes one frame through the delay line: `frame` goes in and the frame `lookaheadFrames`
    /// earlier comes out in its place (silence for the first frames). `toneActive` is the
    /// detector's state after it processed this frame.
    public mutating func process(_ frame: inout [Int16], toneActive: Bool) {
        if toneActive {
            // Everything held back belongs to the tone's onset.
            for index in marked.indices { marked[index] = true }
            hangoverLeft = hangoverFrames
        }
        let replaceThis: Bool
        if toneActive {
            replaceThis = true
        } else if hangoverLeft > 0 {
            hangoverLeft -= 1
            replaceThis = true
        } else {
            replaceThis = false
        }
        delayed.append(frame)
        marked.append(replaceThis)
        if delayed.count > lookaheadFrames {
            frame = delayed.removeFirst()
            if marked.removeFirst() { replace(&frame) }
        } else {
            for index in frame.indices { frame[index] = 0 }
        }
    }

    private mutating func replace(_ frame: inout [Int16]) {
        switch replacement {
        case .silence:
            for index in frame.indices { frame[index] = 0 }
        case .noise(let amplitude):
            let span = UInt32(max(1, Int(amplitude) * 2 + 1))
            for index in frame.indices {
                // xorshift32: cheap, deterministic noise.
                noiseState ^= noiseState << 13
                noiseState ^= noiseState >> 17
                noiseState ^= noiseState << 5
                frame[index] = Int16(Int(noiseState % span) - Int(amplitude))
            }
        }
    }
}
