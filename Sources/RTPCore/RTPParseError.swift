/// Why an RTP packet was rejected. Every case names the offending length or value so a relay can
/// count drops by reason; none of them is fatal to the stream.
public enum RTPParseError: Error, Hashable, Sendable {
    /// Fewer bytes than the 12-byte fixed header (RFC 3550 §5.1), or than a later part needs.
    case tooShort(length: Int, needed: Int)
    /// The version field is not 2 (RFC 3550 §5.1).
    case unsupportedVersion(UInt8)
    /// The CSRC count (CC) declares more identifiers than the packet holds.
    case csrcListPastEnd(csrcCount: Int, length: Int)
    /// The X bit is set but the extension header or its declared data runs past the packet end.
    case extensionPastEnd(declaredLength: Int, available: Int)
    /// The P bit is set and the last octet's padding count is 0 or larger than what follows the
    /// header (RFC 3550 §5.1: the count includes itself, so it is at least 1).
    case invalidPadding(paddingLength: Int, available: Int)
    /// The packet is longer than `RTPHeader.maximumPacketLength`.
    case tooLong(length: Int, limit: Int)
    /// An RFC 8285 header extension element's length runs past the extension block.
    /// `offset` is the element's offset in the packet.
    case invalidExtensionElement(offset: Int)
}
