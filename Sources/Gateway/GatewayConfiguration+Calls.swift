import B2BUA
import OperatorInput
import SIPStack
import Yams

extension GatewayConfiguration {
    /// Reads the `calls` section (issue 6 "Limits"): the gateway-wide admission limits.
    ///
    /// ```yaml
    /// calls:
    ///   max: 20000           # calls in progress, all sources together
    ///   max_in_setup: 4000   # calls not yet answered
    ///   retry_after: 5s      # Retry-After of an overload 503 (RFC 3261 §21.5.4)
    ///   max_in_setup_per_source: 100   # unanswered calls from one address (issue 10)
    ///   overload_delay: 100ms  # mean wait of a message before the stack handles it (or off)
    ///   overload_backlog: 50   # mean fill of the UDP receive queue, percent (or off)
    ///   overload_sustain: 200ms  # how long a mean stays past its limit before calls are refused
    /// ```
    ///
    /// Once either overload limit has been passed for `overload_sustain` the SIP stack answers
    /// new INVITEs 503 with `Retry-After` at once, before any transaction, leg or media exists
    /// (``SIPOverloadGuard``); `max_in_setup` refuses at once.
    static func parseCalls(_ node: Node, reader: inout NodeReader, into config: inout GatewayConfiguration) {
        guard let map = reader.mapping(node, what: "calls") else { return }
        reader.rejectUnknownKeys(map, known: ["max", "max_in_setup", "retry_after", "max_in_setup_per_source",
                                              "overload_delay", "overload_backlog", "overload_sustain"])
        var limits = config.callLimits
        if let value = map["max"], let max = reader.integer(value, in: map, key: "max", range: 1...1_000_000) {
            limits.maxCalls = max
        }
        if let value = map["max_in_setup"],
           let max = reader.integer(value, in: map, key: "max_in_setup", range: 1...1_000_000) {
            limits.maxCallsInSetup = max
        }
        if let value = map["retry_after"],
           let duration = reader.duration(value, key: "retry_after", range: .seconds(1)...Duration.seconds(3600)) {
            limits.retryAfter = Int(duration.components.seconds)
        }
        config.callLimits = limits
        if let value = map["max_in_setup_per_source"],
           let max = reader.integer(value, in: map, key: "max_in_setup_per_source", range: 1...100_000) {
            config.callsInSetupPerSource = max
        }
        if let value = map["overload_delay"] {
            if value.scalar?.string == "off" { config.overloadDelay = nil } else if let delay =
                reader.duration(value, key: "overload_delay", range: .milliseconds(10)...Duration.seconds(10)) {
                config.overloadDelay = delay
            }
        }
        if let value = map["overload_sustain"],
           let sustain = reader.duration(value, key: "overload_sustain", range: .zero...Duration.seconds(10)) {
            config.overloadSustain = sustain
        }
        if let value = map["overload_backlog"] {
            if value.scalar?.string == "off" { config.overloadBacklog = nil } else if let percent =
                reader.integer(value, in: map, key: "overload_backlog", range: 1...100) {
                config.overloadBacklog = percent
            }
        }
    }

    /// The SIP stack's overload guard from the `calls` section: the two overload limits, and
    /// `max_in_setup` spread over `shards` as the bound on pending INVITE transactions.
    func overloadLimits(shards: Int) -> SIPOverloadGuard.Limits {
        let shards = max(1, shards)
        return SIPOverloadGuard.Limits(
            maxQueueDelay: overloadDelay, maxReceiveBacklog: overloadBacklog.map { Double($0) / 100 },
            maxPendingInvites: (callLimits.maxCallsInSetup + shards - 1) / shards, retryAfter: callLimits.retryAfter,
            sustain: overloadSustain)
    }
}
