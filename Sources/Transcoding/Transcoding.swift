// Transcoding: audio codecs behind one `AudioCodec` protocol (PCMU, PCMA, G.722, Opus, L16),
// a `CodecRegistry` keyed by SDP rtpmap/fmtp, a polyphase `Resampler` between 8, 16 and 48 kHz,
// a small adaptive `JitterBuffer`, and the per-direction `TranscodingPipeline` that turns RTP
// payloads of one leg's codec into payloads of the other's, with the other leg's ptime.
//
// Pure: no sockets, no clocks of its own (time comes in as nanoseconds). C codec states are
// owned by one final class each and freed in `deinit`; nothing here is Sendable: a pipeline
// belongs to one call on one event loop.
