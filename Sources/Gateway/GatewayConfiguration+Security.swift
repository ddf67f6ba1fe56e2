import OperatorInput
import SIPSecurity
import SIPStack
import SIPTransport
import Yams

extension GatewayConfiguration {
    /// The `security:` section: toll-fraud defences (INTEROP.md, "Toll fraud and scanners"), all
    /// on by default. Every key is optional:
    ///
    ///     security:
    ///       scanner_user_agents: [friendly-scanner, sipvicious, sipcli, …]   # [] turns the drop off
    ///       rate_limit: { enabled: true, requests_per_second: 50, burst: 200,
    ///                     ban_after_rejections: 500, window: 1m, ban_duration: 10m }
    ///       bans: { max_failures: 5, window: 5m, duration: 1h, answer_banned: false }
    ///       allow: [192.0.2.0/24, 2001:db8::/32]   # never rate limited nor banned
    ///       max_transactions_per_source: 200   # live SIP transactions of one address (or off)
    ///       max_connections_per_source: 200    # open TCP/TLS connections of one address
    ///
    /// The dial plan's trunk `allow` networks and source-authenticated endpoints (doors) are
    /// added to `allow` automatically.
    public struct Security: Sendable, Equatable {
        /// Case-insensitive substrings of User-Agent (or the From name) dropped without an answer.
        public var scannerUserAgents: [String] = ScannerFilter.defaultSignatures
        public var rateLimitEnabled = true
        /// Token-bucket refill per source, requests per second.
        public var requestsPerSecond = 50
        /// Token-bucket size per source.
        public var burst = 200
        /// Refusals (503) within `rateLimitWindow` that turn into a ban; 0 never bans.
        public var banAfterRejections = 500
        public var rateLimitWindow: Duration = .seconds(60)
        public var rateLimitBanDuration: Duration = .seconds(600)
        /// Failed authentications (wrong password or unknown user, never the first challenge)
        /// within `failureWindow` that ban the source.
        public var maxFailures = 5
        public var failureWindow: Duration = .seconds(300)
        public var banDuration: Duration = .seconds(3600)
        /// Answer a banned source 403 instead of dropping its requests silently.
        public var answerBanned = false
        /// Networks never rate limited nor banned, from the configuration.
        public var allow: [AddressPrefix] = []
        /// Live server transactions of one IP address past which its new requests get 503 +
        /// Retry-After (``SIPSourceLimit``; allow-listed sources exempt); nil turns it off.
        public var maxTransactionsPerSource: Int? = SIPSourceLimit.defaultMaxTransactions
        /// Open inbound TCP/TLS connections of one IP address past which a new one is closed at
        /// once (`SIPTransportConfiguration.maxInboundConnectionsPerSource`).
        public var maxConnectionsPerSource = SIPTransportConfiguration.defaultMaxInboundConnectionsPerSource

        public init() {}

        /// The policy configuration with `extraAllow` (the dial plan's trunks and doors) added.
        public func policyConfiguration(extraAllow: [AddressPrefix] = []) -> SecurityPolicy.Configuration {
            SecurityPolicy.Configuration(
                scannerSignatures: scannerUserAgents,
                rateLimit: .init(rate: Double(requestsPerSecond), burst: Double(burst), banAfterRejections: banAfterRejections,
                                 rejectionWindow: rateLimitWindow, banDuration: rateLimitBanDuration),
                bans: .init(maxFailures: maxFailures, window: failureWindow, banDuration: banDuration, allowList: allow + extraAllow),
                respondToBanned: answerBanned, rateLimitEnabled: rateLimitEnabled)
        }

        /// One line for the start-up summary.
        var summary: String {
            let scanners = scannerUserAgents.isEmpty ? "scanner drop off" : "\(scannerUserAgents.count) scanner signatures"
            let rate = rateLimitEnabled ? "rate \(requestsPerSecond)/s burst \(burst)" : "rate limit off"
            let transactions = maxTransactionsPerSource.map { "\($0) transactions" } ?? "no transaction limit"
            return "\(scanners), \(rate), ban after \(maxFailures) failures in \(formatDuration(failureWindow)) "
                + "for \(formatDuration(banDuration)), \(allow.count) allowed networks, per source "
                + "\(transactions) and \(maxConnectionsPerSource) connections"
        }
    }
}

extension NodeReader {
    static let securityKeys = ["scanner_user_agents", "rate_limit", "bans", "allow", "max_transactions_per_source",
                               "max_connections_per_source"]
    static let rateLimitKeys = ["enabled", "requests_per_second", "burst", "ban_after_rejections", "window", "ban_duration"]
    static let banKeys = ["max_failures", "window", "duration", "answer_banned"]

    /// Reads the `security:` section, recording every error with its position.
    mutating func security(_ node: Node) -> GatewayConfiguration.Security {
        var security = GatewayConfiguration.Security()
        guard let map = mapping(node, what: "security") else { return security }
        rejectUnknownKeys(map, known: Self.securityKeys)
        if let value = map["scanner_user_agents"], let items = sequence(value, what: "scanner_user_agents") {
            security.scannerUserAgents = items.compactMap { item in
                guard let text = string(item, key: "scanner_user_agents") else { return nil }
                if text.allSatisfy(\.isWhitespace) {
                    error(at: item, "an empty scanner signature matches every request", fix: "remove the empty entry")
                    return nil
                }
                return text
            }
        }
        if let value = map["rate_limit"], let rate = mapping(value, what: "rate_limit") {
            rejectUnknownKeys(rate, known: Self.rateLimitKeys)
            security.rateLimitEnabled = bool(rate["enabled"], key: "enabled") ?? security.rateLimitEnabled
            security.requestsPerSecond = integer(rate["requests_per_second"], key: "requests_per_second", range: 1...100_000)
                ?? security.requestsPerSecond
            security.burst = integer(rate["burst"], key: "burst", range: 1...1_000_000) ?? security.burst
            security.banAfterRejections = integer(rate["ban_after_rejections"], key: "ban_after_rejections", range: 0...1_000_000)
                ?? security.banAfterRejections
            security.rateLimitWindow = duration(rate["window"], key: "window", range: .seconds(1)...(.seconds(86_400)))
                ?? security.rateLimitWindow
            security.rateLimitBanDuration = duration(rate["ban_duration"], key: "ban_duration", range: .seconds(1)...(.seconds(31_536_000)))
                ?? security.rateLimitBanDuration
        }
        if let value = map["bans"], let bans = mapping(value, what: "bans") {
            rejectUnknownKeys(bans, known: Self.banKeys)
            security.maxFailures = integer(bans["max_failures"], key: "max_failures", range: 1...10_000) ?? security.maxFailures
            security.failureWindow = duration(bans["window"], key: "window", range: .seconds(1)...(.seconds(86_400)))
                ?? security.failureWindow
            security.banDuration = duration(bans["duration"], key: "duration", range: .seconds(1)...(.seconds(31_536_000)))
                ?? security.banDuration
            security.answerBanned = bool(bans["answer_banned"], key: "answer_banned") ?? security.answerBanned
        }
        if let value = map["allow"] {
            for item in scalarList(value, key: "allow") {
                guard let text = string(item, key: "allow") else { continue }
                if let prefix = AddressPrefix(text) { security.allow.append(prefix) } else {
                    error(at: item, "'\(text)' is not an IP address or network",
                          fix: "write an address or a CIDR block, like 192.0.2.10 or 192.0.2.0/24")
                }
            }
        }
        if let value = map["max_transactions_per_source"] {
            if value.scalar?.string == "off" { security.maxTransactionsPerSource = nil } else if let max =
                integer(value, in: map, key: "max_transactions_per_source", range: 1...1_000_000) {
                security.maxTransactionsPerSource = max
            }
        }
        security.maxConnectionsPerSource = integer(map["max_connections_per_source"], in: map, key: "max_connections_per_source",
                                                   range: 1...100_000) ?? security.maxConnectionsPerSource
        return security
    }
}
