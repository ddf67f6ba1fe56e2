import SIPCore

/// Where a REGISTER really came from (RFC 3261 §18.2.1 `received`, RFC 3581 `rport`): requests
/// to the contact are sent here, over this transport and, for TCP/TLS, this connection.
public struct BindingSource: Hashable, Sendable {
    /// `UDP`, `TCP`, `TLS`, `WS` or `WSS`.
    public var transport: String
    /// The source IP address, as text.
    public var address: String
    /// The source port.
    public var port: Int
    /// The transport's identifier of the connection the request arrived on (connection-oriented
    /// transports), so responses and requests can reuse the flow (RFC 5626 §5).
    public var connectionID: String?

    /// Creates a source.
    public init(transport: String, address: String, port: Int, connectionID: String? = nil) {
        self.transport = transport
        self.address = address
        self.port = port
        self.connectionID = connectionID
    }
}

/// One contact bound to an address of record (RFC 3261 §10.3, the location service).
public struct Binding: Hashable, Sendable {
    /// The address of record, canonical (`sip:user@host`, host lowercased).
    public var aor: String
    /// The binding's identity within the AOR: `instance` + `reg-id` (RFC 5626 §6), else the
    /// instance alone, else the canonical contact URI (RFC 3261 §10.3 step 7 URI comparison).
    public var key: String
    /// The contact URI as registered.
    public var contact: String
    /// The `q` value in thousandths; nil when the contact gave none.
    public var q: UInt16?
    /// When the binding expires, Unix seconds (absolute, so a restart expires nothing early).
    public var expiresAt: Int64
    /// The Call-ID of the REGISTER that last wrote the binding (§10.3 step 7).
    public var callID: String
    /// Its CSeq number.
    public var cseq: UInt32
    /// `+sip.instance` without quotes (RFC 5626 §4.1).
    public var instance: String?
    /// `reg-id` (RFC 5626 §4.2).
    public var regID: UInt32?
    /// The Path header values in order (RFC 3327 §5.3), used as a preloaded route set.
    public var path: [String]
    /// Where the REGISTER came from.
    public var source: BindingSource
    /// The registering User-Agent, for operators.
    public var userAgent: String?
    /// When the binding was last written, Unix seconds.
    public var updatedAt: Int64

    /// Creates a binding.
    public init(aor: String, key: String, contact: String, q: UInt16?, expiresAt: Int64, callID: String, cseq: UInt32,
                instance: String? = nil, regID: UInt32? = nil, path: [String] = [], source: BindingSource,
                userAgent: String? = nil, updatedAt: Int64) {
        self.aor = aor
        self.key = key
        self.contact = contact
        self.q = q
        self.expiresAt = expiresAt
        self.callID = callID
        self.cseq = cseq
        self.instance = instance
        self.regID = regID
        self.path = path
        self.source = source
        self.userAgent = userAgent
        self.updatedAt = updatedAt
    }

    /// Seconds left at `now` (0 when expired).
    public func remaining(now: Int64) -> Int64 { max(0, expiresAt - now) }

    /// The Contact header value listing this binding in a 200 OK (RFC 3261 §10.3 step 8).
    public func contactHeaderValue(now: Int64) -> String {
        var text = "<\(contact)>"
        if let q { text += ";q=\(QValue(thousandths: q).description)" }
        text += ";expires=\(remaining(now: now))"
        if let instance { text += ";+sip.instance=\"\(instance)\"" }
        if let regID { text += ";reg-id=\(regID)" }
        return text
    }

    /// The key of a contact: RFC 5626 instance (+ reg-id) when present, else the canonical URI.
    public static func key(contactURI: URI, instance: String?, regID: UInt32?) -> String {
        if let instance {
            return regID.map { "instance:\(instance);reg-id:\($0)" } ?? "instance:\(instance)"
        }
        guard let sip = contactURI.sipURI else { return "uri:\(contactURI.description)" }
        // §19.1.4: scheme, user (case-sensitive), host (case-insensitive), port, transport.
        let port = sip.port.map(String.init) ?? ""
        let transport = sip.transport?.lowercased() ?? ""
        return "uri:\(sip.scheme):\(sip.user ?? "")@\(sip.host.description.lowercased()):\(port);transport=\(transport)"
    }
}

/// The writes one REGISTER makes to one AOR, applied atomically by a ``BindingStore``.
public struct BindingChange: Hashable, Sendable {
    /// The address of record.
    public var aor: String
    /// Bindings added or refreshed.
    public var upserts: [Binding]
    /// Keys of bindings removed.
    public var removals: [String]

    /// Creates a change.
    public init(aor: String, upserts: [Binding] = [], removals: [String] = []) {
        self.aor = aor
        self.upserts = upserts
        self.removals = removals
    }

    /// Whether there is nothing to write (a query).
    public var isEmpty: Bool { upserts.isEmpty && removals.isEmpty }
}
