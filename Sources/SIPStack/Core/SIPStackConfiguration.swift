import SIPCore
import SIPTransaction
import SIPTransport

/// What the stack needs besides its event loops and transport.
public struct SIPStackConfiguration: Sendable {
    /// The sent-by (`host[:port]`) written in the Via of requests we send, per transport
    /// (RFC 3261 §18.1.1: the address and port responses should come back to).
    public var sentBy: [SIPTransportProtocol: String]
    /// Timer values (RFC 3261 §17, Table 4).
    public var timers: TransactionTimers
    /// Hosts that name the gateway itself (its addresses and domain names): an OPTIONS whose
    /// Request-URI has no user part and one of these hosts (or any host, when empty) is answered
    /// statelessly (see ``OptionsResponder``).
    public var localHosts: Set<String>
    /// The stateless OPTIONS answer.
    public var options: OptionsResponder
    /// How many shards (event loops) transactions spread over, by Call-ID. 0 uses every loop of
    /// the group.
    public var shardCount: Int
    /// How long an INVITE server transaction waits for the TU's first response before it sends
    /// 100 (Trying) itself; nil sends it at once. RFC 3261 §17.2.1 requires the 100 when the TU
    /// will not answer within 200 ms; a TU that answers sooner saves a datagram per call.
    public var tryingDelay: Duration?
    /// The RFC 3261 §18.1.1 size rule: a request that resolution put on UDP but that is larger
    /// than 1300 bytes (or within 200 bytes of a configured path MTU) goes over TCP instead, when
    /// the stack has a TCP sent-by, and falls back to UDP if the connection fails.
    public var requestSizeRule = SIPRequestSizeRule()
    /// Runs on every inbound request before transaction matching (toll-fraud defences: scanner
    /// drop, rate limits, bans); nil accepts everything. See ``SIPInboundVerdict``.
    public var inboundFilter: SIPInboundFilter?
    /// When new INVITEs are answered 503 at once, before any transaction exists (see
    /// ``SIPOverloadGuard``); every signal off by default.
    public var overload = SIPOverloadGuard.Limits.off
    /// Live server transactions per source IP address (``SIPSourceLimit``); off by default.
    public var sourceLimit = SIPSourceLimit.off

    public init(
        sentBy: [SIPTransportProtocol: String], timers: TransactionTimers = .rfc3261, localHosts: Set<String> = [],
        options: OptionsResponder = OptionsResponder(), shardCount: Int = 0, tryingDelay: Duration? = .milliseconds(100)
    ) {
        self.tryingDelay = tryingDelay
        self.sentBy = sentBy
        self.timers = timers
        self.localHosts = localHosts
        self.options = options
        self.shardCount = shardCount
    }
}
