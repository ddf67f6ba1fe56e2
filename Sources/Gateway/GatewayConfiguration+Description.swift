extension GatewayConfiguration: CustomStringConvertible {
    /// A human summary of the configuration, as `gatehouse run` prints it at start.
    public var description: String {
        var lines: [String] = []
        for listener in listeners {
            var line = "listen      \(listener.transport.rawValue) \(listener.address):\(listener.port)"
            if let tls = listener.tls {
                line += " certificate \(tls.certificate)" + (tls.clientCA.map { " client CA \($0)" } ?? "")
            }
            lines.append(line)
        }
        lines.append("media       \(mediaAddress) ports \(mediaPorts.lowerBound)-\(mediaPorts.upperBound)")
        lines.append("data        \(dataDirectory)")
        lines.append("admin       http://\(adminAddress):\(adminPort)")
        lines.append("log level   \(logLevel)")
        lines.append("dial plan   \(dialPlan)")
        lines.append("registrar   realm \(realm) digest \(digestAlgorithms.map(\.rawValue).joined(separator: ","))")
        lines.append("security    \(security.summary)")
        return lines.joined(separator: "\n")
    }
}
