import SIPCore

/// A random non-zero SSRC (RFC 3550 §8.1: chosen randomly) from SIPCore's ``PooledRandom`` (kernel
/// randomness fetched 4 KiB at a time, each byte handed out once), ``LegConfiguration``'s default
/// `outgoingSSRC`; first sequence numbers and timestamps (§5.1) come from the same pool.
@usableFromInline
func randomSSRC() -> UInt32 {
    var generator = PooledRandom()
    return .random(in: 1 ... .max, using: &generator)
}
