import SIPCore

extension SIPDialog {
    /// A request built inside the dialog and the URI of its next hop (the first Route, else
    /// the Request-URI): resolve that one to send it (RFC 3261 §12.2.1.1, §8.1.2).
    public struct OutgoingRequest: Sendable {
        public var message: SIPMessage
        public var nextHop: URI
    }

    /// Request-URI and Route headers per RFC 3261 §12.2.1.1: with an empty route set the
    /// remote target and no Route; when the first route is a loose router (`lr`) the remote
    /// target and the whole route set; else (a strict router) the first route's URI as the
    /// Request-URI, the rest of the route set and the remote target as the last Route.
    public func routing() -> (requestURI: URI, routes: [NameAddress]) {
        guard let first = routeSet.first else { return (remoteTarget, []) }
        if first.sipURI?.isLooseRouting ?? false { return (remoteTarget, routeSet) }
        var strictURI = first.uri
        // §12.2.1.1: parameters not allowed in a Request-URI are stripped (§19.1.1: method,
        // ttl, maddr, lr are allowed; URI headers are not).
        if case .sip(var sip) = strictURI {
            sip.headers = SIPParameters()
            strictURI = .sip(sip)
        }
        return (strictURI, Array(routeSet.dropFirst()) + [NameAddress(uri: remoteTarget)])
    }

    /// A new in-dialog request (BYE, re-INVITE, UPDATE, INFO, OPTIONS …) with the next local
    /// CSeq number (§12.2.1.1), Max-Forwards 70, From/To with the dialog's tags, and `contact`
    /// (needed on target-refresh requests). The stack adds the Via.
    public mutating func makeRequest(
        _ method: SIPMethod, contact: String? = nil, headers extra: [(HeaderName, String)] = [],
        body: [UInt8] = [], contentType: String? = nil
    ) -> OutgoingRequest {
        localSequence &+= 1
        return build(method, sequence: localSequence, contact: contact, headers: extra, body: body,
                     contentType: contentType)
    }

    /// The ACK for a 2xx to the INVITE with CSeq `sequence` (§13.2.2.4): the dialog's
    /// Request-URI and Route, the INVITE's CSeq number with method ACK. Pass the message to
    /// `SIPStack.sendAck(for:response:to:)` as the template it copies.
    public func makeAck(inviteSequence sequence: UInt32, body: [UInt8] = [], contentType: String? = nil) -> OutgoingRequest {
        build(.ack, sequence: sequence, contact: nil, headers: [], body: body, contentType: contentType)
    }

    func build(_ method: SIPMethod, sequence: UInt32, contact: String?, headers extra: [(HeaderName, String)],
               body: [UInt8], contentType: String?) -> OutgoingRequest {
        let (requestURI, routes) = routing()
        var headers = SIPHeaders()
        for route in routes { headers.append(.route, value: route.description) }
        headers.append(.maxForwards, value: "70")
        headers.append(.from, value: local.description)
        headers.append(.to, value: remote.description)
        headers.append(.callID, value: id.callID)
        headers.append(.cseq, value: "\(sequence) \(method.rawValue)")
        if let contact { headers.append(.contact, value: contact) }
        for (name, value) in extra { headers.append(name, value: value) }
        var message = SIPMessage(request: SIPRequestLine(method: method, uri: requestURI.description), headers: headers)
        if !body.isEmpty || contentType != nil { message.setBody(body, contentType: contentType) }
        return OutgoingRequest(message: message, nextHop: routeSet.first?.uri ?? requestURI)
    }
}
