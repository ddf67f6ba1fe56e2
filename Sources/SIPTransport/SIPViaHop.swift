/// The parts of one Via value the transport needs (RFC 3261 §20.42, §18.2; RFC 3581 §3):
/// the sent-protocol transport, the sent-by host and port, and the parameters as an ordered
/// list, kept so that the value can be written back with `received` and `rport` filled.
///
/// ```
/// via-parm = sent-protocol LWS sent-by *( SEMI via-params )
/// sent-by  = host [ COLON port ]
/// ```
///
/// This reader covers what routing needs and nothing more; SIPCore's `Via` value type is the
/// full grammar.
public struct SIPViaHop: Hashable, Sendable {
    /// `SIP/2.0/UDP` as written.
    public var sentProtocol: String
    /// The transport token (`UDP`, `TCP`, `TLS`...) as written.
    public var transportName: String
    /// The sent-by host: an IPv4 address, an IPv6 address without brackets, or a domain name.
    public var host: String
    /// The sent-by port, nil when omitted.
    public var port: Int?
    /// The via-params in order; a nil value is a parameter written without `=`.
    public var parameters: [Parameter]

    /// One `;name[=value]` parameter.
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String?
    }

    /// The transport named in the sent-protocol, nil when this module does not run it.
    public var transport: SIPTransportProtocol? { SIPTransportProtocol(name: transportName) }

    /// True when the sent-by host is written as an IPv6 reference (`[::1]`).
    public var isIPv6Host: Bool { host.contains(":") }

    /// The value of parameter `name` (case-insensitive): `.some(nil)` for a parameter without
    /// a value, nil when absent.
    public func parameter(_ name: String) -> String?? {
        let wanted = name.lowercased()
        for parameter in parameters where parameter.name.lowercased() == wanted { return .some(parameter.value) }
        return nil
    }

    /// Sets parameter `name` to `value`, in place when present, else at the end.
    public mutating func setParameter(_ name: String, _ value: String?) {
        let wanted = name.lowercased()
        if let index = parameters.firstIndex(where: { $0.name.lowercased() == wanted }) {
            parameters[index].value = value
        } else {
            parameters.append(Parameter(name: name, value: value))
        }
    }

    /// The `received` parameter (RFC 3261 §18.2.1).
    public var received: String? { parameter("received") ?? nil }

    /// The `maddr` parameter (RFC 3261 §18.2.2).
    public var maddr: String? { parameter("maddr") ?? nil }

    /// True when an `rport` parameter is present, with or without a value (RFC 3581 §3).
    public var hasRport: Bool { parameter("rport") != nil }

    /// The port in `rport=N` (RFC 3581 §4); nil when absent or empty.
    public var rportValue: Int? {
        guard let value = parameter("rport") ?? nil, let port = Int(value), (1...65_535).contains(port) else { return nil }
        return port
    }

    /// The `branch` parameter.
    public var branch: String? { parameter("branch") ?? nil }

    /// The value in wire form: `SIP/2.0/UDP host:port;name=value...`.
    public var description: String {
        var text = sentProtocol + " "
        text += isIPv6Host ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        for parameter in parameters {
            text += ";" + parameter.name
            if let value = parameter.value { text += "=" + value }
        }
        return text
    }
}

extension SIPViaHop: CustomStringConvertible {}
