import B2BUA
import SIPCore
import SIPTransport

/// A dialog of the call to send a request in: the dialog itself, where its requests go and our
/// Contact for it (RFC 3261 §12.2.1.1, §8.1.1.8).
struct CallDialogRoute {
    var key: SessionTimerKey
    var dialog: SIPDialog
    var target: SIPTransportTarget
    var contact: String
}

@available(macOS 15.0, *)
extension CallContext {
    /// The dialog carrying `side` of the answered call now (``CallStateMachine/callerLeg``): the
    /// inbound one for the caller until it transfers the call, the answered leg's for the callee.
    /// Nil when no dialog carries it (not answered; a referrer that hung up during its transfer).
    func dialogKey(of side: CallSide) -> SessionTimerKey? {
        switch side {
        case .caller:
            if let id = callerLegID { return .leg(id) }
            return inboundCarriesCaller == false ? nil : .caller
        case .callee:
            return answeredLegID.map { .leg($0) }
        }
    }

    /// The side a dialog carries now; nil for one that carries none (a stale or replaced leg, an
    /// inbound dialog whose caller transferred the call).
    func side(of key: SessionTimerKey) -> CallSide? {
        switch key {
        case .caller: inboundCarriesCaller == false ? nil : .caller
        case .leg(let id): machineSide(of: id)
        }
    }

    /// True when the in-dialog request on `leg` (nil: the inbound dialog) came through the dialog
    /// that carries `side` now.
    func carries(_ side: CallSide, leg: CallLegID?) -> Bool {
        dialogKey(of: side) == (leg.map { .leg($0) } ?? .caller)
    }

    /// The dialog `key` with where to send in it (the caller's requests go back to the address
    /// it sends from: NAT), or nil when it has none yet.
    func route(_ key: SessionTimerKey) -> CallDialogRoute? {
        switch key {
        case .caller:
            guard let callerDialog else { return nil }
            let target = SIPTransportTarget(address: transaction.context.source, transport: transaction.context.transport)
            return CallDialogRoute(key: key, dialog: callerDialog, target: target, contact: contactHeader)
        case .leg(let id):
            guard let (dialog, target) = withLeg(id, { leg in leg.dialog.flatMap { dialog in leg.target.map { (dialog, $0) } } }) ?? nil
            else { return nil }
            return CallDialogRoute(key: key, dialog: dialog, target: target, contact: contactHeader(for: target.transport))
        }
    }

    /// The route of the dialog carrying `side` now.
    func route(toward side: CallSide) -> CallDialogRoute? {
        dialogKey(of: side).flatMap { route($0) }
    }

    /// Stores a dialog after a request was made in it (its local CSeq moved on).
    func store(_ route: CallDialogRoute) {
        switch route.key {
        case .caller: callerDialog = route.dialog
        case .leg(let id): withLeg(id) { $0.dialog = route.dialog }
        }
    }

    /// The dialog `key` as stored now.
    func dialog(_ key: SessionTimerKey) -> SIPDialog? {
        switch key {
        case .caller: callerDialog
        case .leg(let id): legs[id]?.dialog
        }
    }

    /// Makes a request in the dialog carrying `side` (``SIPDialog/makeRequest``; with our Contact
    /// when `contact`, as target refreshes need), stores the dialog and returns the request with
    /// its route; nil when no dialog carries that side.
    func makeRequest(toward side: CallSide, _ method: SIPMethod, contact: Bool, body: [UInt8] = [],
                     contentType: String? = nil, headers: [(HeaderName, String)] = []) -> (message: SIPMessage, route: CallDialogRoute)? {
        guard var made = route(toward: side) else { return nil }
        let outgoing = made.dialog.makeRequest(method, contact: contact ? made.contact : nil, headers: headers,
                                               body: body, contentType: contentType)
        store(made)
        return (outgoing.message, made)
    }
}
