/// Picks the NAPTR records RFC 3263 §4.1 follows: services naming a transport we run, flag `s`
/// (the replacement is an SRV name), ordered by `order` then `preference` (RFC 3403 §4.1). For a
/// SIPS URI only `SIPS+D2T` (TLS) qualifies (§4.1: a SIPS URI must use TLS).
public enum NAPTRSelection {
    /// The SRV names to query, each with its transport, in order.
    public static func select(
        _ records: [NAPTRRecord], secure: Bool, supported: Set<ResolvedTransport> = Set(ResolvedTransport.allCases)
    ) -> [(transport: ResolvedTransport, srvName: String)] {
        let candidates = records.compactMap { record -> (NAPTRRecord, ResolvedTransport)? in
            guard record.flags.lowercased() == "s", !record.replacement.isEmpty, record.replacement != "." else { return nil }
            let service = record.service.uppercased()
            guard let transport = ResolvedTransport.allCases.first(where: { $0.naptrService == service }),
                supported.contains(transport)
            else { return nil }
            if secure && transport != .tls { return nil }
            return (record, transport)
        }
        return candidates
            .sorted { ($0.0.order, $0.0.preference) < ($1.0.order, $1.0.preference) }
            .map { (transport: $0.1, srvName: $0.0.replacement) }
    }
}
