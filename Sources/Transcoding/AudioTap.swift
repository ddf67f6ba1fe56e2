/// Sees (and may change) the decoded audio of a `TranscodingPipeline` between decoding and
/// re-encoding: the place for in-band DTMF detection and removal.
///
/// Called with mono PCM at the encoder's sample rate, in arrival order, including concealed
/// audio, before it is cut into the outgoing ptime. Runs on the pipeline's event loop.
public protocol AudioTap: AnyObject {
    /// `samples` start at `timestamp` on the *incoming* stream's RTP clock.
    func process(_ samples: UnsafeMutableBufferPointer<Int16>, sampleRate: Int, timestamp: UInt32)
}
