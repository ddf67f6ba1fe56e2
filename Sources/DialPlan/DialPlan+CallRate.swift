extension DialPlan {
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
