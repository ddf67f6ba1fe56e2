/// The gateway's side of one leg: where its anchored media lives and how its origin reads.
/// The B2BUA gets these from the media engine; the negotiator never invents an address.
public struct LocalMedia: Sendable, Hashable {
    /// The anchored media address written into `c=` and `o=`.
    public var address: String
    /// The anchored RTP port for each `m=` line by index (answers: the offer's index; offers:
    /// the created stream's index). A stream without a port here is refused.
    public var ports: [UInt16]
    /// `o=` username.
    public var username: String
    /// `o=` session id, stable for the dialog.
    public var sessionID: String
    /// `o=` version, increased by the caller on every new description (RFC 3264 §8).
    public var sessionVersion: String
    /// `s=` text.
    public var sessionName: String
    /// The direction this side wants (`sendonly` to put the peer on hold, RFC 3264 §8.4).
    public var direction: MediaDirection
    /// Our SDES key parameters for each `m=` line by index (like ``ports``), per suite:
    /// `inline:<base64 key||salt>`, from the SRTP engine. Every stream needs its own master
    /// key (RFC 4568 §6.1 and RFC 3711 §9.1: a key shared between streams risks keystream reuse).
    public var cryptoKeys: [[String: String]]

    /// Creates the local side.
    public init(
        address: String, ports: [UInt16], username: String = "gatehouse",
        sessionID: String, sessionVersion: String = "1", sessionName: String = "gatehouse",
        direction: MediaDirection = .sendrecv, cryptoKeys: [[String: String]] = []
    ) {
        self.address = address
        self.ports = ports
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.sessionName = sessionName
        self.direction = direction
        self.cryptoKeys = cryptoKeys
    }

    /// The keys for one stream, empty when none were given.
    func cryptoKeys(forStream index: Int) -> [String: String] {
        cryptoKeys.indices.contains(index) ? cryptoKeys[index] : [:]
    }

    /// The `o=` line for this side.
    var origin: Origin {
        Origin(username: username, sessionID: sessionID, sessionVersion: sessionVersion,
               addressType: address.utf8.contains(UInt8(ascii: ":")) ? "IP6" : "IP4", address: address)
    }
}
