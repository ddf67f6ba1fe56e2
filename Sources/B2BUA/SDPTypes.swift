import SDP

// See PlanTypes.swift: the SDP module's names, in a file that imports SDP only.

/// The SDP negotiator's media profile.
public typealias SDPMediaProfile = MediaProfile
/// An SDP codec (rtpmap name, clock rate, channels).
public typealias SDPCodec = Codec
