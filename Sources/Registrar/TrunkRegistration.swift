import SIPCore

/// Outbound registration to a carrier as a pure machine (RFC 3261 §10.2): REGISTER, answer
/// 401/407 with Digest, refresh before expiry, and after any failure retry with exponential
/// backoff, forever (never "maximum retries reached").
///
/// The caller sends ``Action/send(_:)`` requests through a client transaction (which adds the
/// Via), feeds back final responses and timeouts, and calls ``timerFired(now:)`` at the time of
/// ``Action/wakeUp(at:)``.
public struct TrunkRegistration: Sendable {
    /// What the trunk registers as.
    public struct Configuration: Sendable {
        /// The Request-URI (`sip:carrier.example`).
        public var registrar: String
        /// The address of record (`sip:user@carrier.example`), in To and From.
        public var aor: String
        /// Our Contact URI.
        public var contact: String
        /// The digest username and secret; nil when the carrier does not challenge.
        public var username: String?
        /// The digest secret.
        public var secret: DigestSecret?
        /// The expiry asked for.
        public var expires: UInt32
        /// The first retry delay after a failure, seconds; doubled per failure up to `maxBackoff`.
        public var initialBackoff: Int64
        /// The longest retry delay.
        public var maxBackoff: Int64

        /// Creates a configuration.
        public init(registrar: String, aor: String, contact: String, username: String? = nil, secret: DigestSecret? = nil,
                    expires: UInt32 = 3600, initialBackoff: Int64 = 5, maxBackoff: Int64 = 300) {
            self.registrar = registrar
            self.aor = aor
            self.contact = contact
            self.username = username
            self.secret = secret
            self.expires = expires
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    /// Where the registration stands.
    public enum State: Equatable, Sendable {
        /// Not started.
        case idle
        /// A REGISTER is out.
        case registering
        /// Registered until the given time.
        case registered(until: Int64)
        /// Failed; retrying at the given time.
        case backingOff(until: Int64, failures: Int)
    }

    /// What the caller must do.
    public enum Action: Sendable {
        /// Send this REGISTER in a new client transaction.
        case send(SIPMessage)
        /// Call ``timerFired(now:)`` at this time.
        case wakeUp(at: Int64)
    }

    /// The configuration.
    public let configuration: Configuration
    /// The current state.
    public private(set) var state: State = .idle
    /// Consecutive failures since the last success.
    public private(set) var failures = 0
    private let callID: String
    private let fromTag: String
    private var cseq: UInt32 = 0
    private var digest: DigestClient?
    private var answeredChallenge = false
    private var expiresAsked: UInt32
    private var refreshAt: Int64 = 0
    /// Until when the carrier holds our binding (the last 2xx), nil when it holds none.
    public private(set) var registeredUntil: Int64?
    /// ``unregister(now:)`` was called: REGISTERs carry `Expires: 0` from now on.
    public private(set) var isUnregistering = false

    /// Creates the machine; `callID` stays the same for every REGISTER (§10.2.4).
    public init(configuration: Configuration, callID: String = DigestHash.randomHex(12),
                fromTag: String = SIPMessage.makeTag()) {
        self.configuration = configuration
        self.callID = callID
        self.fromTag = fromTag
        self.expiresAsked = configuration.expires
        if let username = configuration.username, let secret = configuration.secret {
            digest = DigestClient(username: username, secret: secret)
        }
    }

    /// Starts (or restarts) registering now.
    public mutating func start(now: Int64) -> [Action] {
        answeredChallenge = false
        return [.send(makeRegister(credentials: nil, proxy: false))]
    }

    /// Feeds a final response to the last REGISTER.
    public mutating func handle(response: SIPMessage, now: Int64) -> [Action] {
        guard let status = response.statusCode, status >= 200 else { return [] }
        if isUnregistering { return handleUnregister(response: response, status: status) }
        switch status {
        case 200..<300:
            failures = 0
            answeredChallenge = false
            let granted = Self.grantedExpires(response, contact: configuration.contact) ?? expiresAsked
            guard granted > 0 else { return fail(now: now) }
            let until = now + Int64(granted)
            state = .registered(until: until)
            registeredUntil = until
            // Refresh ahead of expiry: a minute early, or at half-life for short registrations.
            refreshAt = until - min(Int64(granted) / 2, 60)
            return [.wakeUp(at: refreshAt)]
        case 401, 407:
            let challenges = (try? status == 401 ? response.wwwAuthenticate : response.proxyAuthenticate) ?? []
            // Credentials already sent and refused on a nonce that is not stale: do not loop.
            let stale = challenges.contains { $0.isStale }
            guard !answeredChallenge || stale, var client = digest,
                  let credentials = client.answer(challenges, method: "REGISTER", uri: configuration.registrar) else {
                return fail(now: now)
            }
            digest = client
            answeredChallenge = true
            return [.send(makeRegister(credentials: credentials, proxy: status == 407))]
        case 423:
            guard let minimum = response.headers[.minExpires].flatMap({ UInt32($0.filter { $0 != " " }) }),
                  minimum > expiresAsked else { return fail(now: now) }
            expiresAsked = minimum
            answeredChallenge = false
            return [.send(makeRegister(credentials: nil, proxy: false))]
        default:
            return fail(now: now)
        }
    }

    /// The REGISTER timed out (Timer F) or the transport failed.
    public mutating func transactionFailed(now: Int64) -> [Action] { fail(now: now) }

    /// A wake-up came due: refresh, or retry after backoff.
    public mutating func timerFired(now: Int64) -> [Action] {
        switch state {
        case .registered where now >= refreshAt:
            return start(now: now)
        case .backingOff(let until, _) where now >= until:
            return start(now: now)
        default:
            return []
        }
    }

    /// Whether the trunk counts as registered at `now`.
    public func isRegistered(now: Int64) -> Bool {
        if case .registered(let until) = state { return now < until }
        return false
    }

    /// Removes our binding at the carrier (RFC 3261 §10.2.2: `Expires: 0`, same Call-ID, next
    /// CSeq), e.g. when the gateway shuts down; a 401/407 is answered once. Nothing to send when
    /// the carrier holds no binding of ours. The machine then stays idle: feed it the responses,
    /// send what it returns, and stop when it returns nothing.
    public mutating func unregister(now: Int64) -> [Action] {
        guard let until = registeredUntil, until > now, !isUnregistering else { return [] }
        isUnregistering = true
        answeredChallenge = false
        return [.send(makeRegister(credentials: nil, proxy: false))]
    }

    private mutating func handleUnregister(response: SIPMessage, status: Int) -> [Action] {
        if status == 401 || status == 407, !answeredChallenge, var client = digest {
            let challenges = (try? status == 401 ? response.wwwAuthenticate : response.proxyAuthenticate) ?? []
            if let credentials = client.answer(challenges, method: "REGISTER", uri: configuration.registrar) {
                digest = client
                answeredChallenge = true
                return [.send(makeRegister(credentials: credentials, proxy: status == 407))]
            }
        }
        // Removed (2xx), or refused: either way there is nothing more to do.
        state = .idle
        registeredUntil = nil
        return []
    }

    private mutating func fail(now: Int64) -> [Action] {
        failures += 1
        registeredUntil = nil
        answeredChallenge = false
        let exponent = min(failures - 1, 20)
        let delay = min(configuration.maxBackoff, configuration.initialBackoff << Int64(exponent))
        state = .backingOff(until: now + delay, failures: failures)
        return [.wakeUp(at: now + delay)]
    }

    private mutating func makeRegister(credentials: DigestCredentials?, proxy: Bool) -> SIPMessage {
        cseq &+= 1
        state = .registering
        var message = SIPMessage(request: SIPRequestLine(method: .register, uri: configuration.registrar))
        message.headers.append(.maxForwards, value: "70")
        message.headers.append(.from, value: "<\(configuration.aor)>;tag=\(fromTag)")
        message.headers.append(.to, value: "<\(configuration.aor)>")
        message.headers.append(.callID, value: callID)
        message.headers.append(.cseq, value: "\(cseq) REGISTER")
        message.headers.append(.contact, value: "<\(configuration.contact)>")
        message.headers.append(.expires, value: isUnregistering ? "0" : String(expiresAsked))
        if let credentials { message.headers.append(proxy ? .proxyAuthorization : .authorization, value: credentials.description) }
        return message
    }

    /// The expiry the registrar granted our contact: its Contact `expires`, else `Expires`.
    static func grantedExpires(_ response: SIPMessage, contact: String) -> UInt32? {
        let ours = (try? response.contact)?.first { value in
            guard let uri = value.nameAddress?.uri, let mine = try? URI(parsing: contact) else { return false }
            return uri.isEquivalent(to: mine)
        }
        if let expires = ours?.expires { return expires }
        return response.expires.map { UInt32(clamping: $0) }
    }
}
