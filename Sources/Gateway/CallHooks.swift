import B2BUA
import SIPCore
import SIPTransport

/// An INFO received inside an answered call (RFC 6086), offered to ``CallService/Hooks/info``
/// before the gateway relays it to the other leg.
public struct CallInfoRequest: Sendable {
    /// The call: the caller leg's Call-ID (the key of the call's record).
    public let callID: String
    /// Which leg sent it.
    public let side: CallSide
    /// `Content-Type` as received (`application/dtmf-relay`, `application/dtmf` …), nil if absent.
    public let contentType: String?
    /// The body.
    public let body: [UInt8]
    /// The whole request.
    public let request: SIPMessage
}

/// What to do with an in-dialog INFO.
public enum CallInfoDisposition: Sendable, Equatable {
    /// Send it on to the other leg and answer the sender with that leg's final status.
    case relay
    /// Answer the sender with this status and do not relay (the DTMF engine consumed it, or
    /// re-emits it itself, e.g. as RFC 4733 events or an INFO of the other leg's body type).
    case consume(status: Int)
}

/// How the caller of an INVITE was identified (issue 6; security reporting hooks in here).
public enum CallerIdentification: Sendable {
    /// An endpoint, by its source address or by digest.
    case endpoint(String, byDigest: Bool)
    /// A trunk, by its source address (its `allow` networks or its server's address).
    case trunk(String)
    /// No credentials (or a stale nonce): answer with this 407 challenge.
    case challenge(SIPMessage)
    /// Wrong credentials: answer with this 403.
    case failed(SIPMessage, username: String?)
}

extension CallService {
    /// Closures other modules plug into the call service. Each runs on the call's event loop:
    /// return quickly, never block.
    public struct Hooks: Sendable {
        /// An in-dialog INFO from either leg of an answered call; nil relays every INFO.
        public var info: (@Sendable (CallInfoRequest) -> CallInfoDisposition)?
        /// Every caller identification outcome with the request's context (auth-failure
        /// reporting, bans). Called before the gateway answers a challenge or failure.
        public var identified: (@Sendable (CallerIdentification, SIPMessageContext) -> Void)?

        /// No hooks.
        public init(info: (@Sendable (CallInfoRequest) -> CallInfoDisposition)? = nil,
                    identified: (@Sendable (CallerIdentification, SIPMessageContext) -> Void)? = nil) {
            self.info = info
            self.identified = identified
        }
    }
}
