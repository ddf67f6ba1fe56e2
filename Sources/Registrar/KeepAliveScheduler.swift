import SIPCore

/// Which registered contacts need a NAT keep-alive now (issue 4 "NAT"): UDP contacts whose
/// Contact address differs from the address the REGISTER came from (RFC 3581 `received`/`rport`
/// differ), probed every `interval` seconds by OPTIONS or a CRLF (RFC 5626 §3.5.1), as the caller
/// chooses. The caller sends the keep-alive to ``Binding/source`` and feeds OPTIONS results to a
/// ``ProbeHealth`` / ``PresenceTable``.
public struct KeepAliveScheduler: Sendable {
    /// Seconds between keep-alives to one contact.
    public var interval: Int64
    /// Keep TCP/TLS contacts alive too (their connection is the NAT binding).
    public var includeConnectionOriented: Bool
    private var lastSent: [String: Int64] = [:]

    /// Creates a scheduler.
    public init(interval: Int64 = 30, includeConnectionOriented: Bool = false) {
        self.interval = interval
        self.includeConnectionOriented = includeConnectionOriented
    }

    /// The bindings due for a keep-alive at `now`, marked as sent; forgets bindings no longer
    /// present.
    public mutating func due(_ bindings: [Binding], now: Int64) -> [Binding] {
        var kept: [String: Int64] = [:]
        var result: [Binding] = []
        for binding in bindings where binding.expiresAt > now && needsKeepAlive(binding) {
            let slot = binding.aor + "\u{0}" + binding.key
            if let last = lastSent[slot], now - last < interval {
                kept[slot] = last
            } else {
                kept[slot] = now
                result.append(binding)
            }
        }
        lastSent = kept
        return result
    }

    /// Whether a binding is kept alive: UDP (unless connection-oriented ones are included) and
    /// behind NAT.
    public func needsKeepAlive(_ binding: Binding) -> Bool {
        let udp = binding.source.transport.uppercased() == "UDP"
        return (udp || includeConnectionOriented) && binding.isBehindNAT
    }
}

extension Binding {
    /// Whether the REGISTER came from another address or port than its Contact names (the
    /// signature of a NAT, RFC 3581 §4).
    public var isBehindNAT: Bool {
        guard let sip = (try? URI(parsing: contact))?.sipURI else { return true }
        var host = sip.host.description
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = Int(sip.port ?? (sip.isSecure ? 5061 : 5060))
        return host.lowercased() != source.address.lowercased() || port != source.port
    }
}
