import OperatorInput
import Yams

/// An error in the service configuration: where it is and how to fix it.
public typealias ConfigurationError = InputError

/// Every error found in one pass over a configuration file.
public typealias ConfigurationErrors = InputErrors

extension GatewayConfiguration {
    static let knownKeys = ["listen", "media", "data_directory", "admin", "log_level", "dial_plan", "registrar", "security", "shutdown", "trace", "calls", "tls_client"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Parses a configuration, reporting every error with file:line:column.
    public static func parse(_ text: String, file: String) throws -> GatewayConfiguration {
        var reader = NodeReader(file: file)
        guard let root = reader.compose(text, emptyFix: "start from `gatehouse run --print-default-config`") else {
            throw ConfigurationErrors(errors: reader.errors)
        }
        var config = GatewayConfiguration(
            listeners: [], mediaAddress: "127.0.0.1", mediaPorts: 20000...20999, dataDirectory: "./var",
            adminAddress: "127.0.0.1", adminPort: 8060, logLevel: "info", dialPlan: "dialplans/example.yaml")
        guard let top = reader.mapping(root, what: "the configuration") else {
            throw ConfigurationErrors(errors: reader.errors)
        }
        reader.rejectUnknownKeys(top, known: knownKeys)
        if let listen = top["listen"], let items = reader.sequence(listen, what: "listen") {
            for item in items {
                guard let map = reader.mapping(item, what: "a listener") else { continue }
                reader.rejectUnknownKeys(map, known: ["transport", "address", "port", "tls"])
                let transport = reader.enumeration(map["transport"], in: map, key: "transport",
                                                   Listener.Transport.self) ?? .udp
                let address = reader.string(map["address"], in: map, key: "address") ?? "127.0.0.1"
                let port = reader.integer(map["port"], in: map, key: "port", range: 0...65535) ?? (transport == .tls ? 5061 : 5060)
                var listener = Listener(transport: transport, address: address, port: port)
                switch (transport, map["tls"]) {
                case (.tls, let tls?):
                    listener.tls = reader.listenerTLS(tls)
                case (.tls, nil):
                    reader.error(at: item, "a TLS listener needs its certificate and key",
                                 fix: "add `tls: { certificate: fullchain.pem, key: privkey.pem }`")
                case (_, let tls?):
                    reader.error(at: tls, "'tls' belongs to a listener with `transport: tls`",
                                 fix: "remove it, or write `transport: tls`")
                case (_, nil):
                    break
                }
                config.listeners.append(listener)
            }
        }
        if let media = top["media"], let map = reader.mapping(media, what: "media") {
            reader.rejectUnknownKeys(map, known: ["address", "ports", "timeout", "wakeup_coalescing", "socket_pool", "port_quarantine"])
            if let value = map["address"] { config.mediaAddress = reader.string(value, in: map, key: "address") ?? config.mediaAddress }
            if let value = map["ports"], let range = reader.portRange(value) { config.mediaPorts = range }
            if let value = map["timeout"],
               let timeout = reader.duration(value, key: "timeout", range: .seconds(1)...Duration.seconds(3600)) {
                config.mediaTimeout = timeout
            }
            if let value = map["wakeup_coalescing"] {
                if value.scalar?.string == "off" { config.mediaWakeupCoalescing = .zero } else if let window =
                    reader.duration(value, key: "wakeup_coalescing", range: .zero...Duration.milliseconds(10)) {
                    config.mediaWakeupCoalescing = window
                }
            }
            if let value = map["socket_pool"] {
                if value.scalar?.string == "off" { config.mediaSocketPool = 0 } else if let limit =
                    reader.integer(value, in: map, key: "socket_pool", range: 0...65536) {
                    config.mediaSocketPool = limit
                }
            }
            if let value = map["port_quarantine"],
               let rest = reader.duration(value, key: "port_quarantine", range: .zero...Duration.seconds(60)) {
                config.mediaPortQuarantine = rest
            }
        }
        if let value = top["data_directory"] { config.dataDirectory = reader.string(value, in: top, key: "data_directory") ?? config.dataDirectory }
        if let admin = top["admin"], let map = reader.mapping(admin, what: "admin") {
            reader.rejectUnknownKeys(map, known: ["address", "port", "token"])
            if let value = map["address"] { config.adminAddress = reader.string(value, in: map, key: "address") ?? config.adminAddress }
            if let value = map["port"] { config.adminPort = reader.integer(value, in: map, key: "port", range: 0...65535) ?? config.adminPort }
            if let value = map["token"] { config.adminToken = reader.string(value, in: map, key: "token") }
        }
        if let shutdown = top["shutdown"], let map = reader.mapping(shutdown, what: "shutdown") {
            reader.rejectUnknownKeys(map, known: ["drain_seconds"])
            if let value = map["drain_seconds"], let seconds = reader.integer(value, in: map, key: "drain_seconds", range: 0...3600) {
                config.drainTime = .seconds(seconds)
            }
        }
        if let value = top["log_level"], let level = reader.string(value, in: top, key: "log_level") {
            if logLevels.contains(level) { config.logLevel = level } else {
                reader.error(at: value, "unknown log level '\(level)'", fix: "use one of \(logLevels.joined(separator: ", "))")
            }
        }
        if let value = top["dial_plan"] { config.dialPlan = reader.string(value, in: top, key: "dial_plan") ?? config.dialPlan }
        if let registrar = top["registrar"], let map = reader.mapping(registrar, what: "registrar") {
            reader.rejectUnknownKeys(map, known: ["realm", "digest", "probe_interval", "probe_down_after", "min_expires", "domains", "durable",
                                                  "group_commit"])
            if let value = map["durable"], let durable = reader.bool(value, key: "durable") { config.durableBindings = durable }
            if let value = map["group_commit"], let group = reader.bool(value, key: "group_commit") { config.groupCommit = group }
            if let value = map["domains"], let items = reader.sequence(value, what: "domains") {
                config.registrarDomains = items.compactMap { reader.string($0, in: map, key: "domains") }
            }
            if let value = map["min_expires"], let seconds = reader.integer(value, in: map, key: "min_expires", range: 1...3600) {
                config.minimumExpires = UInt32(seconds)
            }
            if let value = map["probe_interval"] {
                if value.scalar?.string == "off" { config.contactProbeInterval = nil } else if let interval =
                    reader.duration(value, key: "probe_interval", range: .seconds(5)...Duration.seconds(3600)) {
                    config.contactProbeInterval = interval
                }
            }
            if let value = map["probe_down_after"] {
                config.contactProbeMisses = reader.integer(value, in: map, key: "probe_down_after", range: 1...10) ?? 2
            }
            if let value = map["realm"] { config.realm = reader.string(value, in: map, key: "realm") ?? config.realm }
            if let value = map["digest"], let items = reader.sequence(value, what: "digest") {
                let names = items.compactMap { reader.enumeration($0, in: map, key: "digest", DigestAlgorithmName.self) }
                if !names.isEmpty { config.digestAlgorithms = names }
            }
        }
        if let security = top["security"] { config.security = reader.security(security) }
        if let trace = top["trace"] { parseTrace(trace, reader: &reader, into: &config) }
        if let calls = top["calls"] { parseCalls(calls, reader: &reader, into: &config) }
        if let client = top["tls_client"] { config.tlsClient = reader.clientTLS(client) }
        if config.listeners.isEmpty, reader.errors.isEmpty {
            reader.error(at: top["listen"] ?? root, "no SIP listener is configured",
                         fix: "add `listen: [{ transport: udp, address: 0.0.0.0, port: 5060 }]`")
        }
        if !reader.errors.isEmpty { throw ConfigurationErrors(errors: reader.errors) }
        return config
    }
}
