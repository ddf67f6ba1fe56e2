import SIPCore

/// What a client transaction reports to the transaction user.
public enum SIPClientEvent: Sendable {
    /// A 1xx response.
    case provisional(SIPMessage)
    /// A final response (for INVITE, every 2xx that arrives while the transaction lingers in
    /// Accepted, RFC 6026 §8.4, each of which the TU must ACK).
    case final(SIPMessage)
    /// Timer B or F fired (the TU treats it as 408, RFC 3261 §8.1.3.1).
    case timeout
    /// The transport failed (the TU treats it as 503, §8.1.3.1).
    case transportError

    /// The status code the TU acts on: the response's, 408 for a timeout, 503 for a transport
    /// error (§8.1.3.1).
    public var statusCode: Int {
        switch self {
        case .provisional(let response), .final(let response): response.statusCode ?? 500
        case .timeout: 408
        case .transportError: 503
        }
    }

    /// True for everything but a provisional response.
    public var isFinal: Bool {
        if case .provisional = self { return false }
        return true
    }
}
