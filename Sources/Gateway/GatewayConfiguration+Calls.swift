import B2BUA
import OperatorInput
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
    /// ```
    static func parseCalls(_ node: Node, reader: inout NodeReader, into config: inout GatewayConfiguration) {
        guard let map = reader.mapping(node, what: "calls") else { return }
        reader.rejectUnknownKeys(map, known: ["max", "max_in_setup", "retry_after", "max_in_setup_per_source"])
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
    }
}
