extension DialPlan {
    /// The highest `calls_per_minute` a plan may give an endpoint, a trunk or the policy: 1,000,000
    /// a minute (≈ 16,700 calls/s, above anything one gateway places).
    public static let maximumCallsPerMinute = 1_000_000

    /// New calls per minute `caller` may start (issue 10, per-endpoint and per-trunk limits): its
    /// own `calls_per_minute`; else for an endpoint the policy's `rate_limit.calls_per_minute`
    /// (ten times that for a `pbx`, which places calls for many people), for a trunk its `cps`
    /// times 60. Nil for a caller that is not an endpoint or trunk of this plan.
    public func callsPerMinute(of caller: CallRequest.Caller) -> Int? {
        switch caller {
        case .endpoint(let name):
            guard let endpoint = endpoints[name] else { return nil }
            let base = policy.rateLimit.callsPerMinute
            return endpoint.callsPerMinute ?? (endpoint.class == .pbx ? base * 10 : base)
        case .trunk(let name):
            guard let trunk = trunks[name] else { return nil }
            return trunk.callsPerMinute ?? trunk.callsPerSecond * 60
        case .unknown:
            return nil
        }
    }
}
