import SIPCore
import SIPTransport

/// When to move to the next RFC 3263 target (RFC 3263 §4.3: a transport error, a timeout, or a
/// 503 (Service Unavailable) means the server is unusable; anything else is the answer).
public enum FailoverPolicy {
    public static func shouldTryNext(after event: SIPClientEvent) -> Bool {
        switch event {
        case .timeout, .transportError: true
        case .final(let response): response.statusCode == 503
        case .provisional: false
        }
    }
}

extension ResolvedTarget {
    /// The transport's form of this target.
    public var transportTarget: SIPTransportTarget? {
        guard let transport = SIPTransportProtocol(rawValue: transport.rawValue) else { return nil }
        return try? SIPTransportTarget(host: address, port: port, transport: transport, serverName: serverName)
    }
}

extension SIPStack {
    /// Sends a non-INVITE `request` to each target in turn (a new client transaction, so a new
    /// branch, per target) until one gives an answer that is not a failover reason
    /// (``FailoverPolicy``). Returns that outcome and the target that gave it; with every target
    /// failing, the last failure (or a transport error for an empty list).
    ///
    /// INVITEs fail over in the TU, which must not retry after a provisional response
    /// (INTEROP.md: no double ringing).
    public func finalResponse(to request: SIPMessage, trying targets: [ResolvedTarget]) async -> (SIPClientEvent, ResolvedTarget?) {
        var last: (SIPClientEvent, ResolvedTarget?) = (.transportError, nil)
        for target in targets {
            guard let destination = target.transportTarget else { continue }
            let event = await finalResponse(to: request, at: destination)
            last = (event, target)
            if !FailoverPolicy.shouldTryNext(after: event) { return last }
        }
        return last
    }
}
