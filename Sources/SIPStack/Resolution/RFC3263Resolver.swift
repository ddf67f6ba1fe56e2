import SIPCore

/// Locates the SIP servers for a URI (RFC 3263 §4): NAPTR → SRV → A/AAAA, producing an ordered
/// failover list. The ordering rules are the pure ``NAPTRSelection`` and ``SRVOrdering``; the
/// lookups go through a ``DNSLookup`` (``SystemDNSLookup`` wrapped in ``CachingDNSLookup`` live,
/// canned answers in tests).
///
/// The caller tries the targets in order and moves to the next on a transport error, a timeout
/// or a 503 (§4.3).
public struct RFC3263Resolver: Sendable {
    public let lookup: any DNSLookup
    /// Transports we can use, in the order tried when there is no NAPTR (§4.1 leaves the order
    /// to the client; UDP first as RFC 3261 §18 requires it everywhere).
    public var supported: [ResolvedTransport]
    let random: @Sendable (UInt32) -> UInt32

    public init(
        lookup: any DNSLookup, supported: [ResolvedTransport] = [.udp, .tcp, .tls],
        random: @escaping @Sendable (UInt32) -> UInt32 = { UInt32.random(in: 0...$0) }
    ) {
        self.lookup = lookup
        self.supported = supported
        self.random = random
    }

    /// The targets for `uri`: its host, port, `transport` parameter and scheme (§4). A `maddr`
    /// parameter, when present, replaces the host (RFC 3261 §19.1.1).
    public func resolve(_ uri: SIPURI) async throws -> [ResolvedTarget] {
        let host = uri.maddr.flatMap { try? SIPHost(parsing: $0) } ?? uri.host
        let request = ResolutionRequest(
            host: host.text, isIPAddress: host.isIPAddress, port: uri.port.map(Int.init),
            transport: uri.transport.flatMap(ResolvedTransport.init(uriParameter:)), secure: uri.isSecure)
        return try await resolve(request)
    }

    /// The targets for `request` (§4.1 transport, §4.2 port and address).
    public func resolve(_ request: ResolutionRequest) async throws -> [ResolvedTarget] {
        let forced = request.secure ? ResolvedTransport.tls : request.transport
        // §4.1/§4.2: a numeric IP or an explicit port skips NAPTR and SRV.
        if request.isIPAddress || request.port != nil {
            let transport = forced ?? (request.secure ? .tls : .udp)
            let port = request.port ?? transport.defaultPort
            let serverName = request.isIPAddress ? nil : request.host
            let addresses = request.isIPAddress
                ? [AddressRecord(address: request.host, ttl: 0)] : try await lookup.addresses(request.host)
            return addresses.map { ResolvedTarget(address: $0.address, port: port, transport: transport, serverName: serverName) }
        }
        if request.transport != nil, let transport = forced {
            // §4.1: a transport parameter skips NAPTR; SRV for that transport, else A/AAAA.
            let viaSRV = try await targets(srvName: transport.srvPrefix + request.host, transport: transport, domain: request.host)
            if !viaSRV.isEmpty { return viaSRV }
            return try await addressTargets(host: request.host, transport: transport, domain: request.host)
        }
        // §4.1: NAPTR first.
        let naptr = (try? await lookup.naptr(request.host)) ?? []
        let selected = NAPTRSelection.select(naptr, secure: request.secure, supported: Set(supported))
        var result: [ResolvedTarget] = []
        for entry in selected {
            result += try await targets(srvName: entry.srvName, transport: entry.transport, domain: request.host)
        }
        if !result.isEmpty { return result }
        // No usable NAPTR: SRV for each supported transport (only TLS for SIPS).
        for transport in supported where !request.secure || transport == .tls {
            result += try await targets(srvName: transport.srvPrefix + request.host, transport: transport, domain: request.host)
        }
        if !result.isEmpty { return result }
        // No SRV: A/AAAA at the default port, UDP (TLS for SIPS).
        return try await addressTargets(host: request.host, transport: request.secure ? .tls : .udp, domain: request.host)
    }

    private func targets(srvName: String, transport: ResolvedTransport, domain: String) async throws -> [ResolvedTarget] {
        let records = (try? await lookup.srv(srvName)) ?? []
        var result: [ResolvedTarget] = []
        for record in SRVOrdering.order(records, random: random) {
            let addresses = (try? await lookup.addresses(record.target)) ?? []
            result += addresses.map {
                ResolvedTarget(address: $0.address, port: Int(record.port), transport: transport, serverName: domain)
            }
        }
        return result
    }

    private func addressTargets(host: String, transport: ResolvedTransport, domain: String) async throws -> [ResolvedTarget] {
        try await lookup.addresses(host).map {
            ResolvedTarget(address: $0.address, port: transport.defaultPort, transport: transport, serverName: domain)
        }
    }
}
