/// Finds the endpoint that a source address authenticates (`auth: { source: … }`): exact host
/// addresses by hash, then networks from the most specific (longest prefix) down.
public struct SourceIndex: Sendable {
    private var hosts: [IPAddress: String] = [:]
    private var networks: [(IPNetwork, String)] = []

    public init() {}

    init(_ endpoints: [String: Endpoint]) {
        for endpoint in endpoints.values.sorted(by: { $0.name < $1.name }) {
            guard case .source(let list) = endpoint.authentication else { continue }
            for network in list {
                if network.prefixLength == network.address.bytes.count * 8 {
                    if hosts[network.address] == nil { hosts[network.address] = endpoint.name }
                } else {
                    networks.append((network, endpoint.name))
                }
            }
        }
        networks.sort { $0.0.prefixLength > $1.0.prefixLength }
    }

    /// The endpoint name for `address`, if one is authenticated by it.
    public func endpoint(for address: IPAddress) -> String? {
        if let name = hosts[address] { return name }
        return networks.first { $0.0.contains(address) }?.1
    }
}
