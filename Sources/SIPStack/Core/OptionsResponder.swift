import SIPCore

/// The stateless 200 (OK) to an OPTIONS aimed at the gateway itself (RFC 3261 §11.2): carriers
/// probe a trunk peer with OPTIONS and stop sending calls when it goes unanswered (INTEROP.md).
///
/// "Aimed at the gateway" means a Request-URI without a user part whose host is one of ours;
/// an OPTIONS to a user (`sip:+4670…@gw`) is an ordinary request for the transaction user.
public struct OptionsResponder: Sendable, Hashable {
    /// The methods we accept (Allow, §20.5).
    public var allow: [SIPMethod]
    /// The body types we accept (Accept, §20.1).
    public var accept: [String]
    /// The extensions we support (Supported, §20.37).
    public var supported: [String]

    public init(
        allow: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .register, .info, .update, .prack, .refer, .notify],
        accept: [String] = ["application/sdp", "application/dtmf-relay"],
        supported: [String] = ["timer", "replaces"]
    ) {
        self.allow = allow
        self.accept = accept
        self.supported = supported
    }

    /// Whether `request` is an OPTIONS for the gateway itself: no user part in its SIP(S)
    /// Request-URI and a host in `localHosts` (any host when `localHosts` is empty).
    public func isAimedAtGateway(_ request: SIPMessage, localHosts: Set<String>) -> Bool {
        guard request.method == .options, let line = request.requestLine,
            let uri = try? URI(parsing: line.uriBytes), let sip = uri.sipURI, sip.user == nil
        else { return false }
        return localHosts.isEmpty || localHosts.contains(sip.host.text.lowercased())
    }

    /// The 200 (OK) with Allow, Accept and Supported (§11.2).
    public func response(to request: SIPMessage) -> SIPMessage {
        var response = request.makeResponse(status: 200)
        response.headers.append(.allow, value: allow.map(\.rawValue).joined(separator: ", "))
        response.headers.append(.accept, value: accept.joined(separator: ", "))
        response.headers.append(.supported, value: supported.joined(separator: ", "))
        return response
    }
}
