import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallContext {
    /// Builds and sends the INVITE of a new outbound leg: Request-URI the registered contact
    /// (sent to the registration's source address) or `number@trunk-server` (resolved per
    /// RFC 3263 unless it is an address with a port); From per the attempt's identity or the
    /// caller; P-Asserted-Identity, Privacy and Diversion on trunk legs.
    func createLeg(_ request: OutboundLegRequest) {
        let legCallID = service.makeLegCallID(on: shard)
        let target = request.target
        let trunk = target.kind == .trunk ? plan.trunks[target.target] : nil
        var requestURI: String
        var host: String
        if let contact = request.contact {
            requestURI = contact
            host = (try? URI(parsing: contact))?.sipURI?.host.text ?? "gatehouse"
        } else if let trunk {
            host = trunk.server
            requestURI = "sip:\(target.number)@\(trunk.server)" + (trunk.port.map { ":\($0)" } ?? "")
            if trunk.transport != .udp { requestURI += ";transport=\(trunk.transport.rawValue)" }
        } else {
            host = "gatehouse"
            requestURI = "sip:\(target.number)@invalid"
        }
        let callerFrom = try? invite.from
        let identity = request.identity
        var from: NameAddress
        if target.kind == .trunk {
            from = Self.trunkFrom(number: identity?.from, anonymous: identity?.privacy == .id,
                                  callerNumber: plan.endpoints[decision.caller]?.number,
                                  callerUser: callerFrom?.sipURI?.user, host: host)
        } else {
            from = NameAddress(displayName: callerFrom?.displayName,
                               uri: Self.uri(callerFrom?.sipURI?.user ?? decision.caller, host: contactHost))
        }
        from.tag = SIPMessage.makeTag()
        var headers = SIPHeaders()
        headers.append(.maxForwards, value: String(min(70, max(0, (invite.maxForwards ?? 70) - 1))))
        headers.append(.from, value: from.description)
        headers.append(.to, value: NameAddress(uri: Self.uri(target.number, host: host)).description)
        headers.append(.callID, value: legCallID)
        headers.append(.cseq, value: "1 INVITE")
        headers.append(.contact, value: "<sip:gatehouse@\(contactAddress)>")
        headers.append(.allow, value: CallService.allowed)
        // RFC 3262 §4 and RFC 4028 §7.1: reliable provisionals and session timers offered.
        headers.append(.supported, value: ReliableProvisionals.supported)
        for (name, value) in SessionTimer.requestHeaders(settings: CallService.sessionTimerSettings) {
            headers.append(name, value: value)
        }
        if target.kind == .trunk, let identity {
            if let asserted = identity.assertedIdentity {
                headers.append(.pAssertedIdentity, value: NameAddress(uri: Self.uri(asserted, host: host)).description)
            }
            if identity.privacy == .id { headers.append(.privacy, value: "id") }
            if let diversion = identity.diversion {
                headers.append(.diversion, value: NameAddress(uri: Self.uri(diversion, host: host)).description
                    + ";reason=unconditional")
            }
        }
        var message = SIPMessage(request: SIPRequestLine(method: .invite, uri: requestURI), headers: headers)
        message.setBody(request.offer.bytes, contentType: "application/sdp")
        legs[request.id] = LegState(request: request, callID: legCallID, invite: message)
        legByCallID[legCallID] = request.id
        shard.calls[legCallID] = self
        service.trace?.associate(legCallID, with: callID)
        noteSDP(of: message, .legOffer(legLabel(request.id), to: request.contact ?? requestURI))
        guard admitLeg(request, trunk: trunk) else { return }

        if let contact = request.contact {
            let found = targets[contact] ?? transferTargets[contact] ?? Self.directTarget(contact)
            guard let found else { return legUnreachable(request.id, .transport) }
            send(request.id, to: found)
        } else if let trunk {
            resolve(trunk, for: request.id)
        } else {
            legUnreachable(request.id, .dns)
        }
    }

    /// From on a trunk leg (header policy, INTEROP.md carrier trunks): the trunk's number from
    /// the dial plan's identity; without one, the calling endpoint's number, never the internal
    /// phone's own From user (a login or a name) nor its display name; with `privacy: id` and no
    /// trunk number, anonymous (RFC 3323 §4.1.1.3), the caller staying in P-Asserted-Identity
    /// for the carrier to withhold (RFC 3325 §9.3).
    static func trunkFrom(number: String?, anonymous: Bool, callerNumber: String?, callerUser: String?,
                          host: String) -> NameAddress {
        if let number { return NameAddress(uri: uri(number, host: host)) }
        if anonymous {
            return NameAddress(displayName: "Anonymous", uri: uri("anonymous", host: "anonymous.invalid"))
        }
        return NameAddress(uri: uri(callerNumber ?? callerUser ?? "anonymous", host: host))
    }

    /// The host of our Contact, for From on endpoint legs.
    var contactHost: String {
        if contactAddress.hasPrefix("[") { return String(contactAddress.prefix { $0 != "]" }) + "]" }
        return String(contactAddress.split(separator: ":").first ?? "gatehouse")
    }

    /// `<sip:user@host>` for a number or name; a value that is already a URI is kept.
    static func uri(_ user: String, host: String) -> URI {
        if user.hasPrefix("sip:") || user.hasPrefix("tel:"), let parsed = try? URI(parsing: user) { return parsed }
        let escaped = user.utf8.allSatisfy(Self.isUserByte) ? user
            : user.addingPercentEncoding(withAllowedCharacters: userCharacters) ?? user
        return (try? URI(parsing: "sip:\(escaped)@\(host)")) ?? .other(scheme: "sip", text: "sip:\(escaped)@\(host)")
    }

    /// What a user part keeps unescaped (RFC 3261 §25.1 `user`: unreserved and user-unreserved).
    static let userCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "+-_.!~*'()&=$,;?/"))

    /// An ASCII byte of ``userCharacters`` (a number or a plain name needs no Foundation call).
    static func isUserByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "+-_.!~*'()&=$,;?/".utf8.contains(byte)
        }
    }

    /// A contact URI with an IP host, taken as it is (port 5060 by default, RFC 3263 §4.2).
    static func directTarget(_ contact: String) -> SIPTransportTarget? {
        guard let uri = (try? URI(parsing: contact))?.sipURI, uri.host.isIPAddress else { return nil }
        let transport = uri.transport.flatMap { SIPTransportProtocol(rawValue: $0.uppercased()) } ?? .udp
        return try? SIPTransportTarget(host: uri.host.text, port: Int(uri.port ?? (uri.isSecure ? 5061 : 5060)),
                                       transport: transport)
    }

    /// The trunk's server: an address with a port is used as it is; else RFC 3263 (off the
    /// loop): the first target, the others kept for failover (``tryNextTarget(_:after:)``).
    func resolve(_ trunk: Trunk, for id: CallLegID) {
        let transport = SIPTransportProtocol(rawValue: trunk.transport.rawValue.uppercased()) ?? .udp
        if let port = trunk.port, IPAddress(trunk.server) != nil,
           let target = try? SIPTransportTarget(host: trunk.server, port: port, transport: transport) {
            return send(id, to: target)
        }
        let resolver = service.resolver
        let uri = SIPURI(host: (try? SIPHost(parsing: trunk.server)) ?? .name(trunk.server),
                         port: trunk.port.map { UInt16(clamping: $0) },
                         parameters: trunk.transport == .udp ? SIPParameters() : [("transport", trunk.transport.rawValue)])
        Task { [self] in
            let found = ((try? await resolver.resolve(uri)) ?? []).compactMap(\.transportTarget)
            shard.run {
                guard let first = found.first else { return self.legUnreachable(id, .dns) }
                self.legs[id]?.alternatives = Array(found.dropFirst())
                self.send(id, to: first)
            }
        }
    }

    func send(_ id: CallLegID, to target: SIPTransportTarget) {
        guard let stack, let (invite, legCallID) = withLeg(id, { leg -> (SIPMessage, String)? in
            guard !leg.cancelledBeforeSending else { return nil }
            leg.target = target
            if target.transport != .udp { leg.invite.headers.set(.contact, value: contactHeader(for: target.transport)) }
            return (leg.invite, leg.callID)
        }) ?? nil else { return }
        let shard = self.shard
        // Weak: the shard holds the call until its end; after it, a retransmitted 2xx in the
        // transaction's Accepted state (RFC 6026 §8.4) goes to the call's tombstone.
        let transaction = stack.sendRequest(invite, to: target) { [weak self] event in
            shard.eventLoop.execute { [weak self] in
                if let self {
                    self.legEvent(id, event)
                } else {
                    shard.ended[legCallID]?.receive(event, legCallID: legCallID, stack: stack)
                }
            }
        }
        withLeg(id) { $0.transaction = transaction }
    }

    func legUnreachable(_ id: CallLegID, _ failure: LegFailure) {
        // Asynchronously, like a transport error would arrive: never re-enter the machine.
        shard.eventLoop.execute { [self] in drive { $0.receiveLegFailure(failure, from: id, at: Date()) } }
    }

    /// RFC 3263 §4.3: after a timeout, a transport error or a 503 with nothing heard before
    /// (no provisional: nobody was alerted), the same INVITE goes to the next target in a new
    /// transaction. False when there is none or the leg is being cancelled.
    func tryNextTarget(_ id: CallLegID, after event: SIPClientEvent) -> Bool {
        guard FailoverPolicy.shouldTryNext(after: event), let next = withLeg(id, { leg -> SIPTransportTarget? in
            guard !leg.provisionalSeen, leg.pendingCancel == nil, !leg.cancelledBeforeSending, !leg.alternatives.isEmpty
            else { return nil }
            return leg.alternatives.removeFirst()
        }) ?? nil else { return false }
        logger.info("trying the next server", metadata: ["callID": "\(callID)", "leg": "\(id)", "target": "\(next)"])
        send(id, to: next)
        return true
    }

    /// A response (or failure) on an outbound leg's INVITE transaction. The leg's state is
    /// changed in place (``withLeg(_:_:)``), never copied out and written back.
    func legEvent(_ id: CallLegID, _ event: SIPClientEvent) {
        if tryNextTarget(id, after: event) { return }
        guard legs.keys.contains(id) else { return }
        let now = Date()
        switch event {
        case .provisional(let response):
            let pending = withLeg(id) { leg -> Reason? in
                leg.provisionalSeen = true
                defer { leg.pendingCancel = nil }
                return leg.pendingCancel
            } ?? nil
            if let pending {
                // §9.1: the CANCEL waited for this provisional response.
                cancelLeg(id, reason: pending)
            }
            guard let status = response.statusCode, status > 100 else { return }
            if let toTag = response.toTag {
                withLeg(id) { leg in
                    if leg.dialog?.id.remoteTag == toTag { leg.dialog?.update(with: response) } else if leg.dialog == nil {
                        leg.dialog = try? SIPDialog(uac: leg.invite, response: response)
                    }
                }
            }
            guard acknowledgeReliable(id, response) else { return }
            noteSDP(of: response, .legAnswer(legLabel(id), status: status))
            let sdp = Self.sdp(of: response)
            dtmfEarlyLeg = id
            drive { $0.receiveProvisional(status, sdp: sdp, from: id, at: now) }
        case .final(let response):
            if answerChallenge(id, response) || retryTooBrief(id, response) { return }
            let status = response.statusCode ?? 500
            let retransmitted = withLeg(id) { leg -> Bool in
                leg.finalReceived = true
                leg.pendingCancel = nil
                guard status < 300 else { return false }
                // A retransmitted 2xx: the same ACK again (RFC 3261 §13.2.2.4).
                if leg.success != nil { return true }
                if leg.dialog?.id.remoteTag == response.toTag { leg.dialog?.update(with: response) } else {
                    leg.dialog = try? SIPDialog(uac: leg.invite, response: response)
                }
                leg.success = response
                return false
            } ?? false
            if status < 300 {
                if retransmitted { return ackLeg(id, response: response) }
                startLegSessionTimer(id, response)
                noteSDP(of: response, .legAnswer(legLabel(id), status: status))
                let sdp = Self.sdp(of: response)
                drive { $0.receiveFinal(status, sdp: sdp, reason: nil, from: id, at: now) }
            } else {
                let reason = ((try? response.reason) ?? []).first
                drive { $0.receiveFinal(status, sdp: nil, reason: reason, from: id, at: now) }
            }
        case .timeout, .transportError:
            withLeg(id) { $0.finalReceived = true }
            drive { $0.receiveLegFailure(.transport, from: id, at: now) }
        }
    }

    static func sdp(of message: SIPMessage) -> SessionDescription? {
        guard !message.body.isEmpty else { return nil }
        return try? SDPParser().parse(message.body)
    }

    func cancelLeg(_ id: CallLegID, reason: Reason) {
        let stack = self.stack
        // RFC 3261 §9.1: no CANCEL before a provisional response; it goes out with the first one
        // (a final response first makes it moot).
        guard let transaction = withLeg(id, { leg -> SIPClientTransactionID? in
            guard let transaction = leg.transaction, stack != nil else {
                leg.cancelledBeforeSending = true
                return nil
            }
            guard leg.provisionalSeen else {
                leg.pendingCancel = reason
                return nil
            }
            return transaction
        }) ?? nil, let stack else { return }
        stack.cancel(transaction, headers: [(.reason, reason.description)])
    }

    /// The ACK for the leg's 2xx through its dialog (Request-URI and Route per §12.2.1.1),
    /// sent with the stack's deterministic branch so retransmissions repeat it.
    func ackLeg(_ id: CallLegID, response: SIPMessage? = nil) {
        guard let stack, let (template, success, target) = withLeg(id, { leg -> (SIPMessage, SIPMessage, SIPTransportTarget)? in
            guard let dialog = leg.dialog, let success = response ?? leg.success, let target = leg.target else { return nil }
            let template = leg.ackTemplate ?? dialog.makeAck(inviteSequence: leg.invite.cseqNumber ?? 1).message
            leg.ackTemplate = template
            return (template, success, target)
        }) ?? nil else { return }
        _ = stack.sendAck(for: template, response: success, to: target)
    }

    func byeLeg(_ id: CallLegID, reason: Reason) {
        guard let stack, let (bye, target) = withLeg(id, { leg -> (SIPMessage, SIPTransportTarget)? in
            guard let target = leg.target, let bye = leg.dialog?.makeRequest(.bye, headers: [(.reason, reason.description)])
            else { return nil }
            return (bye.message, target)
        }) ?? nil else { return }
        stack.sendRequest(bye, to: target) { _ in }
    }
}
