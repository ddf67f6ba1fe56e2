import DialPlan
import SIPCore
import SIPTransport

/// Where signalling must travel over TLS, and the answer when it did not.
///
/// - An endpoint with `transport: tls` in the plan: its requests over UDP or TCP are refused
///   with `403 TLS Required` — only once its credentials have been checked (an unknown user and
///   a known one get the same challenge, so the policy reveals nothing to a scanner), and calls
///   to it go only to registrations made over TLS.
/// - A `sips:` Request-URI (RFC 3261 §26.2.2, RFC 5630 §3.1.3: SIPS means TLS on every hop):
///   refused the same way when it did not arrive over TLS; a call to it reaches only contacts
///   registered over TLS. A `sips:` Contact is reached only over TLS.
enum TransportPolicy {
    /// The reason phrase of the refusal.
    static let reason = "TLS Required"

    /// The 403 for `request`, or nil when its transport is acceptable. `endpoint` is the
    /// authenticated or source-identified sender, when known.
    static func refusal(of request: SIPMessage, from endpoint: Endpoint?, over transport: SIPTransportProtocol) -> SIPMessage? {
        guard transport != .tls else { return nil }
        guard endpoint?.transport == .tls || requestURIIsSecure(request) else { return nil }
        var response = request.makeResponse(status: 403, reason: reason, toTag: request.toTag == nil ? SIPMessage.makeTag() : nil)
        response.headers.append(.warning, value: endpoint?.transport == .tls
            ? "399 gatehouse \"this endpoint must use TLS\"" : "399 gatehouse \"a sips: URI needs TLS on every hop\"")
        return response
    }

    /// Whether the Request-URI is a `sips:` URI.
    static func requestURIIsSecure(_ request: SIPMessage) -> Bool {
        (try? request.requestURI)?.sipURI?.isSecure == true
    }

    /// Whether a registered contact may carry a call: a contact registered over `transport` for
    /// `endpoint`, in a call whose Request-URI was `sips:` when `secureCall`.
    static func allows(contact: String, registeredOver transport: SIPTransportProtocol, endpoint: Endpoint, secureCall: Bool) -> Bool {
        let needsTLS = secureCall || endpoint.transport == .tls || contact.lowercased().hasPrefix("sips:")
        return !needsTLS || transport == .tls
    }

    /// The decision for a call whose Request-URI was `sips:`: legs to trunks that are not
    /// reached over TLS are dropped (RFC 3261 §26.2.2: no hop of a SIPS request in the clear),
    /// and so are attempts left with no leg; with none left, the decision's final answer applies.
    /// Endpoint legs stay: ``allows(contact:registeredOver:endpoint:secureCall:)`` keeps only
    /// their TLS registrations.
    static func secure(_ decision: RoutingDecision, plan: DialPlan) -> RoutingDecision {
        var secured = decision
        secured.attempts = decision.attempts.compactMap { attempt in
            var attempt = attempt
            attempt.legs = attempt.legs.filter { leg in
                leg.kind == .endpoint || plan.trunks[leg.target]?.transport == .tls
            }
            return attempt.legs.isEmpty ? nil : attempt
        }
        return secured
    }
}
