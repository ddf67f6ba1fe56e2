import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// The transactions of the Call-IDs that hash to one event loop. Every member is touched on
/// `eventLoop` only, so nothing here takes a lock (ARCHITECTURE.md: a call lives on one loop).
final class StackShard: @unchecked Sendable {
    let eventLoop: any EventLoop
    /// The loop's timers (transaction timers, 100 Trying, 2xx retransmission).
    let timerWheel: EventLoopTimerWheel
    let transportBox: TransportBox
    var transport: any SIPMessageTransport { transportBox.transport }
    let configuration: SIPStackConfiguration
    let user: SIPTransactionUser

    var clients: [ClientTransactionKey: ClientEntry] = [:]
    var servers: [ServerTransactionKey: ServerEntry] = [:]
    /// 2xx responses to INVITE being retransmitted until their ACK, by Call-ID (one INVITE at a
    /// time per dialog, §14.1).
    var pendingSuccesses: [ArraySlice<UInt8>: SuccessEntry] = [:]
    var counters = SIPStackCounters()
    /// INVITEs the inbound filter answered statelessly, so their ACK (§17.1.1.3, same key) is
    /// absorbed instead of reaching the TU as a stray ACK. Bounded: oldest forgotten first.
    var filterRejectedInvites = RecentKeys<ServerTransactionKey>(capacity: 1024)
    /// New INVITEs refused for overload (StackShard+Overload.swift): a retransmission gets the
    /// same 503 and the ACK is absorbed. 32 s of refusals at 500 calls/s.
    var overloadRejectedInvites = RecentKeys<ServerTransactionKey>(capacity: 16_384)
    /// The overload guard of this shard, and the INVITE transactions awaiting a final response.
    var overload: SIPOverloadGuard
    var pendingInvites = 0

    init(eventLoop: any EventLoop, transportBox: TransportBox, configuration: SIPStackConfiguration, user: SIPTransactionUser) {
        self.eventLoop = eventLoop
        self.timerWheel = EventLoopTimerWheel.shared(for: eventLoop)
        self.transportBox = transportBox
        self.configuration = configuration
        self.user = user
        self.overload = SIPOverloadGuard(limits: configuration.overload)
    }

    // MARK: Inbound

    /// A request or response from the transport, on this loop.
    func receive(_ inbound: SIPInboundMessage) {
        eventLoop.assertInEventLoop()
        if overload.isActive { observeLoad(inbound.context) }
        if inbound.message.isRequest {
            receiveRequest(inbound)
        } else {
            receiveResponse(inbound.message)
        }
    }

    /// §17.1.3: a response goes to the client transaction whose key it matches; one that
    /// matches none is dropped (§18.1.2).
    func receiveResponse(_ response: SIPMessage) {
        guard let key = ClientTransactionKey(response: response), let entry = clients[key],
            let status = response.statusCode
        else {
            counters.strayResponses += 1
            return
        }
        perform(entry.machine.receivedResponse(statusCode: status), for: entry, response: response)
    }

    /// §17.2.3 matching, then ACK, CANCEL (§9.2), stateless OPTIONS, or a new transaction.
    func receiveRequest(_ inbound: SIPInboundMessage) {
        let request = inbound.message
        guard let method = request.method, let key = ServerTransactionKey(request: request) else {
            counters.unmatchableRequests += 1
            return
        }
        if let filter = configuration.inboundFilter, !admit(inbound, method: method, filter: filter) { return }
        if method == .ack {
            receiveAck(inbound, key: key)
            return
        }
        if method == .bye, let callID = request.callIDBytes {
            // A BYE in the dialog means the UAC has the 2xx (its ACK was lost): stop resending.
            stopSuccessRetransmission(callID: callID)
        }
        if let entry = servers[key] {
            counters.absorbedRetransmissions += 1
            perform(entry.machine.receivedRequestRetransmission(), for: entry)
            return
        }
        if method == .invite, request.toTag == nil, !admitInvite(inbound, key: key) { return }
        if method == .options, configuration.options.isAimedAtGateway(request, localHosts: configuration.localHosts) {
            counters.statelessOptions += 1
            transport.sendResponse(configuration.options.response(to: request), for: inbound.context).whenFailure { _ in }
            return
        }
        let (admitted, slot) = admitFromSource(inbound, method: method, key: key)
        guard admitted else { return }
        let delay = method == .invite ? configuration.tryingDelay : nil
        let entry = ServerEntry(
            request: request, context: inbound.context, key: key, timers: configuration.timers, sendsTrying: delay == nil)
        servers[key] = entry
        entry.sourceSlot = slot
        if entry.awaitsFinal { pendingInvites += 1 }
        if method == .cancel {
            receiveCancel(entry, request: request)
            return
        }
        perform(entry.machine.start(), for: entry)
        // A TU that answered inside `start` needs no 100 (Trying) timer at all.
        if let delay, !entry.hasResponded { scheduleTrying(for: entry, after: delay) }
    }

    /// Applies the inbound filter; false when the request is dropped or answered statelessly.
    private func admit(_ inbound: SIPInboundMessage, method: SIPMethod, filter: SIPInboundFilter) -> Bool {
        switch filter(inbound.message, inbound.context) {
        case .accept:
            return true
        case .drop:
            counters.filteredDrops += 1
            return false
        case .reject(let status, let reason):
            guard method != .ack, (300...699).contains(status) else {
                counters.filteredDrops += 1
                return false
            }
            counters.filteredRejects += 1
            if method == .invite, let key = ServerTransactionKey(request: inbound.message) { rememberFilterRejected(key) }
            let response = inbound.message.makeResponse(status: status, reason: reason, toTag: SIPMessage.makeTag())
            transport.sendResponse(response, for: inbound.context).whenFailure { _ in }
            return false
        }
    }

    private func rememberFilterRejected(_ key: ServerTransactionKey) {
        filterRejectedInvites.insert(key)
    }

    /// The ACK for a non-2xx goes to its INVITE transaction; the ACK for a 2xx (a new branch, or
    /// the INVITE's transaction in Accepted) goes to the TU and stops the 2xx retransmission.
    private func receiveAck(_ inbound: SIPInboundMessage, key: ServerTransactionKey) {
        if let entry = servers[key], entry.isInvite {
            perform(entry.machine.receivedAck(), for: entry, ack: inbound)
            return
        }
        if filterRejectedInvites.contains(key) {
            counters.filteredDrops += 1
            return
        }
        // The ACK for an overload 503 (§17.1.1.3): nothing to do.
        if overloadRejectedInvites.contains(key) { return }
        deliverSuccessAck(inbound)
    }

    func deliverSuccessAck(_ inbound: SIPInboundMessage) {
        if let callID = inbound.message.callIDBytes, let pending = pendingSuccesses[callID],
            pending.cseq == inbound.message.cseqNumber
        {
            stopSuccessRetransmission(callID: callID)
        }
        user.ack(inbound)
    }

    /// §9.2: a CANCEL gets its own transaction and a 200 when it matches a pending INVITE (which
    /// the TU then answers 487), a 481 when it matches nothing.
    private func receiveCancel(_ entry: ServerEntry, request: SIPMessage) {
        perform(entry.machine.start(), for: entry, passUpRequest: false)
        let invite = ServerTransactionKey(cancelledBy: request).flatMap { servers[$0] }
        try? respond(entry: entry, response: request.makeResponse(status: invite == nil ? 481 : 200))
        if let invite {
            perform(invite.machine.receivedCancel(), for: invite)
        }
    }
}

/// What the stack counted, per shard (summed by ``SIPStack/counters()``).
public struct SIPStackCounters: Sendable, Hashable {
    public var strayResponses = 0
    public var unmatchableRequests = 0
    public var absorbedRetransmissions = 0
    public var statelessOptions = 0
    public var serverTransactions = 0
    public var clientTransactions = 0
    public var successRetransmissions = 0
    public var unacknowledgedSuccesses = 0
    /// Requests the inbound filter dropped (no response).
    public var filteredDrops = 0
    /// Requests the inbound filter answered statelessly.
    public var filteredRejects = 0
    /// New INVITEs (first copies) refused per ``SIPOverloadGuard/Signal``, and retransmissions
    /// of refused INVITEs answered again.
    public var overloadRejectsQueueDelay = 0
    public var overloadRejectsReceiveBacklog = 0
    public var overloadRejectsPendingInvites = 0
    public var overloadRejectedRetransmissions = 0
    /// New INVITEs answered 503 by the overload guard (retransmissions included): the sum of the four.
    public var overloadRejects: Int {
        overloadRejectsQueueDelay + overloadRejectsReceiveBacklog + overloadRejectsPendingInvites
            + overloadRejectedRetransmissions
    }
    /// New requests answered 503 because their source held too many transactions (SIPSourceLimit).
    public var sourceLimitRejects = 0

    public init() {}

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.strayResponses += rhs.strayResponses
        sum.unmatchableRequests += rhs.unmatchableRequests
        sum.absorbedRetransmissions += rhs.absorbedRetransmissions
        sum.statelessOptions += rhs.statelessOptions
        sum.serverTransactions += rhs.serverTransactions
        sum.clientTransactions += rhs.clientTransactions
        sum.successRetransmissions += rhs.successRetransmissions
        sum.unacknowledgedSuccesses += rhs.unacknowledgedSuccesses
        sum.filteredDrops += rhs.filteredDrops
        sum.filteredRejects += rhs.filteredRejects
        sum.overloadRejectsQueueDelay += rhs.overloadRejectsQueueDelay
        sum.overloadRejectsReceiveBacklog += rhs.overloadRejectsReceiveBacklog
        sum.overloadRejectsPendingInvites += rhs.overloadRejectsPendingInvites
        sum.overloadRejectedRetransmissions += rhs.overloadRejectedRetransmissions
        sum.sourceLimitRejects += rhs.sourceLimitRejects
        return sum
    }
}
