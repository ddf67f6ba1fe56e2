import OperatorInput
import Yams

extension GatewayConfiguration {
    /// SIP tracing: the ring of recent calls behind `gatehouse trace`, and an optional copy of every
    /// message to a Homer collector as HEP3 over UDP.
    ///
    /// ```yaml
    /// trace:
    ///   calls: 1000          # calls kept; 0 turns the ring off
    ///   megabytes: 16        # payload kept over all calls
    ///   options: false       # OPTIONS pings and their answers too (keep-alives would evict calls)
    ///   hep: { address: 192.0.2.50, port: 9060, agent_id: 2001, password_env: HOMER_PASSWORD }
    /// ```
    public struct TraceSettings: Sendable, Equatable {
        /// Calls kept in the ring; 0: no ring (`gatehouse trace` finds nothing).
        public var calls = 1000
        /// Payload bytes kept over all calls, in MiB.
        public var megabytes = 16
        /// Whether OPTIONS requests and their responses are traced. Off by default: every ping
        /// has its own Call-ID, so keep-alives and trunk probes would push real calls out of the ring.
        public var options = false
        /// Where to send HEP3 copies; nil: none.
        public var hep: HEPCollector?

        public init() {}
    }

    /// A Homer collector (HEP3 over UDP).
    public struct HEPCollector: Sendable, Equatable {
        public var address: String
        public var port: Int
        /// The capture agent id (HEP chunk 12).
        public var agentID: UInt32
        /// The environment variable holding the collector password (HEP chunk 14), if it wants one.
        public var passwordEnvironment: String?
    }

    /// Reads the `trace` section into `config.trace`, recording every error.
    static func parseTrace(_ node: Node, reader: inout NodeReader, into config: inout GatewayConfiguration) {
        guard let map = reader.mapping(node, what: "trace") else { return }
        reader.rejectUnknownKeys(map, known: ["calls", "megabytes", "options", "hep"])
        if let value = map["options"], let text = reader.string(value, in: map, key: "options") {
            switch text {
            case "true", "yes", "on": config.trace.options = true
            case "false", "no", "off": config.trace.options = false
            default: reader.error(at: value, "'options' must be true or false, not '\(text)'", fix: "write `options: true` or `options: false`")
            }
        }
        if let value = map["calls"], let calls = reader.integer(value, in: map, key: "calls", range: 0...100_000) {
            config.trace.calls = calls
        }
        if let value = map["megabytes"], let megabytes = reader.integer(value, in: map, key: "megabytes", range: 1...4096) {
            config.trace.megabytes = megabytes
        }
        guard let hepNode = map["hep"], let hep = reader.mapping(hepNode, what: "hep") else { return }
        reader.rejectUnknownKeys(hep, known: ["address", "port", "agent_id", "password_env"])
        guard let address = reader.string(hep["address"], in: hep, key: "address") else {
            reader.error(at: hepNode, "'hep' needs the collector's address", fix: "add `address: 192.0.2.50` (and `port: 9060`)")
            return
        }
        let port = reader.integer(hep["port"], in: hep, key: "port", range: 1...65535) ?? 9060
        let agent = reader.integer(hep["agent_id"], in: hep, key: "agent_id", range: 0...Int(UInt32.max)) ?? 2001
        let password = reader.string(hep["password_env"], in: hep, key: "password_env")
        config.trace.hep = HEPCollector(address: address, port: port, agentID: UInt32(agent), passwordEnvironment: password)
    }
}
