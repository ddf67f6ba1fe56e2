import CSpanDSP

/// spandsp's generic packet loss concealer (pitch-period waveform substitution with overlap-add
/// and fade-out, in the spirit of ITU-T G.711 Appendix I) for codecs without their own.
///
/// Every decoded frame must pass through `received(_:)` (it keeps the history, and smooths the
/// first frame after a loss in place); `conceal(_:)` synthesises missing samples. The pitch
/// search is tuned for 8 kHz (periods of 40…120 samples); at 16 kHz it still finds the period
/// of most voices (133…400 Hz fundamentals).
final class ConcealmentState {
    private let state: UnsafeMutablePointer<plc_state_t>

    init() {
        guard let state = plc_init(nil) else { fatalError("Transcoding: spandsp plc_init failed to allocate") }
        self.state = state
    }

    deinit { plc_free(state) }

    func received(_ pcm: UnsafeMutableBufferPointer<Int16>) {
        guard let base = pcm.baseAddress, !pcm.isEmpty else { return }
        _ = plc_rx(state, base, Int32(pcm.count))
    }

    func conceal(_ pcm: UnsafeMutableBufferPointer<Int16>) {
        guard let base = pcm.baseAddress, !pcm.isEmpty else { return }
        _ = plc_fillin(state, base, Int32(pcm.count))
    }

    func reset() { _ = plc_init(state) }
}
