import NIOCore
import SIPSecurity

@available(macOS 15.0, *)
extension SecurityService {
    /// Whether `source` is in the allow-list (the `security.allow` networks, the dial plan's
    /// trunks and doors): such sources are exempt from the per-source transaction limit
    /// (`SIPSourceLimit.exempt`), as they are from rate limits and bans.
    public func isAllowListed(_ source: SocketAddress) -> Bool {
        syncAllowListIfNeeded()
        guard let address = SourceAddress(source) else { return false }
        return policy.allowList.contains { $0.contains(address) }
    }
}
