/// Why a media engine operation failed.
public enum MediaRelayError: Error, Hashable, Sendable {
    /// Every RTP port (pair) in the configured range is allocated or could not be bound.
    case portsExhausted
    /// The port range is empty, odd-sized for RTP/RTCP pairs, or outside 1024...65535.
    case invalidPortRange
    /// The session was already released.
    case sessionReleased
    /// The leg's codec cannot be transcoded to the other leg's.
    case unsupportedCodec(String)
    /// The SRTP key could not be installed.
    case srtpKey
    /// The media loop could not create its epoll set or register a socket.
    case ioLoopFailed
    /// `bindHost` is not an IP address.
    case invalidBindAddress
    /// `MediaEngine.shutdown()` was called: no new sessions.
    case engineStopped
}
