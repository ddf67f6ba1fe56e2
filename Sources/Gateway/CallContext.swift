import B2BUA
import DTMF
import DialPlan
import Foundation
import Logging
import NIOCore
import SDP
import SIPCore
import SIPStack
import SIPTransport

/// One call's I/O: runs its ``CallStateMachine`` and performs the actions. Confined to its
/// shard's event loop (every method runs there), hence unchecked Sendable and no lock.
@available(macOS 15.0, *)
final class CallContext: @unchecked Sendable {
    /// An outbound leg as the I/O side knows it.
    struct LegState {
        var request: OutboundLegRequest
        var callID: String
        var invite: SIPMessage
        var target: SIPTransportTarget?
        var transaction: SIPClientTransactionID?
        var dialog: SIPDialog?
        /// The 2xx being acknowledged (its retransmissions get the same ACK).
        var success: SIPMessage?
        /// A CANCEL asked for before the INVITE went out (DNS still running): it is never sent.
        var cancelledBeforeSending = false
        /// A provisional response arrived: a CANCEL may be sent (RFC 3261 §9.1).
        var provisionalSeen = false
        /// A CANCEL waiting for the first provisional response.
        var pendingCancel: Reason?
        /// The other RFC 3263 targets of a trunk, tried in order after a timeout, a transport
        /// error or a 503 without a provisional response (§4.3).
        var alternatives: [SIPTransportTarget] = []
        /// The carrier's 401/407 was answered once (``CallContext/answerChallenge(_:_:)``).
        var challengeAnswered = false
        /// RFC 3262: the reliable provisionals seen, per early dialog (To tag).
        var reliable: [String: ReliableProvisionals] = [:]
        /// A 422 was answered once with a longer Session-Expires (RFC 4028 §7.4).
        var sessionRetried = false
        /// The INVITE got its final response (or timed out): nothing more is owed to this leg.
        var finalReceived = false
        /// The ACK for the leg's 2xx, kept for the call's tombstone (CallContext+Tombstone.swift).
        var ackTemplate: SIPMessage?
    }

    let service: CallService
    let shard: CallShard
    let transaction: SIPServerTransaction
    let invite: SIPMessage
    let callID: String
    let callerTag = SIPMessage.makeTag()
    let plan: DialPlan
    let decision: RoutingDecision
    /// The caller's offer; nil for a delayed offer (CallContext+DelayedOffer.swift).
    let offer: SessionDescription?
    let contacts: [String: [String]]
    let targets: [String: SIPTransportTarget]
    let contactAddress: String
    /// Our host:port per transport (the bound listeners), for the Contact of outbound legs.
    let contactAddresses: [SIPTransportProtocol: String]
    var callerDialog: SIPDialog?
    var machine: CallStateMachine?
    var legs: [CallLegID: LegState] = [:]
    var legByCallID: [String: CallLegID] = [:]
    var timers: [CallTimer: TimerHandle] = [:]
    /// RFC 3261 §13.3.1.4: running from our 2xx to the caller until its ACK (64·T1).
    var ackTimer: TimerHandle?
    /// Our reliable 18x to the caller: an offer to a delayed-offer caller, or any 18x to a caller
    /// requiring 100rel (CallContext+EarlyOffer.swift).
    var reliableOut: ReliableProvisionalOut?
    var mediaChain: Task<Void, Never>?
    /// One media operation of ``chainMedia(_:)``.
    typealias MediaOperation = @Sendable (any MediaSessionControlling, String) async -> Void
    /// Operations waiting for the current event to be handled (``chainMedia(_:)``).
    var mediaQueue: [MediaOperation] = []
    /// Chained media tasks not yet done (CallContext+MediaPath.swift).
    let mediaPending = MediaChainCount()
    /// RFC 4028 timers per leg (``CallContext/scheduleSessionTimer(_:)``).
    var sessionTimers: [SessionTimerKey: RunningSessionTimer] = [:]
    /// Where to send to the contacts a transfer target rings (CallContext+Transfer.swift).
    var transferTargets: [String: SIPTransportTarget] = [:]
    /// In-dialog offers waiting for the other leg's answer (CallContext+Hold.swift).
    var pendingOffers: [CallSide: PendingOffer] = [:]
    /// The caller cancelled before the media was allocated.
    var cancelledEarly = false
    /// The call has ended for the caller (the record is out).
    var finished = false
    /// DTMF interworking (CallContext+DTMF.swift): created at the first answer.
    var dtmf: DTMFInterworking?
    /// The outbound leg the interworking's leg `b` is configured for (early media or answer).
    var dtmfAnsweredLeg: CallLegID?
    /// The leg whose provisional response is being handled (its early media configures leg `b`),
    /// and the DTMF INFOs waiting for the answer (RFC 6086 INFO goes in the confirmed dialog).
    var dtmfEarlyLeg: CallLegID?
    var dtmfDeferredINFO: [DeferredDTMFInfo] = []
    /// INFO pacing timers per leg.
    var dtmfTimers: [DTMFInterworking.Leg: TimerHandle] = [:]
    /// Each leg's negotiated telephone-event clock rate, when it differs from the codec's.
    var dtmfEventClocks: [DTMFInterworking.Leg: Int] = [:]
    /// Door actions and digit routes for the CDR.
    var dtmfRecord: [String] = []
    /// When the caller's INVITE arrived (the admin API's `startedAt`).
    let startedAt = Date()
    /// What happened, for `GET /calls/{id}` (CallContext+Timeline.swift).
    var timeline = CallTimeline()

    init(service: CallService, shard: CallShard, transaction: SIPServerTransaction, plan: DialPlan,
         decision: RoutingDecision, offer: SessionDescription?, contacts: [String: [String]],
         targets: [String: SIPTransportTarget]) {
        self.service = service
        self.shard = shard
        self.transaction = transaction
        self.invite = transaction.request
        self.callID = transaction.request.callID ?? ""
        self.plan = plan
        self.decision = decision
        self.offer = offer
        self.contacts = contacts
        self.targets = targets
        let addresses = service.contactAddresses.withLock { $0 }
        let transport = transaction.context.transport
        self.contactAddress = addresses[transport] ?? addresses[.udp] ?? addresses.values.first ?? "127.0.0.1:5060"
        self.contactAddresses = addresses
        timeline.recordRouting(decision, at: startedAt)
        noteSDP(of: invite, .callerOffer(callID: callID))
    }

    var logger: Logger { service.logger }
    var stack: SIPStack? { service.stack }

    /// Our Contact (RFC 3261 §8.1.1.8, §12.1.1) on the caller's transport.
    var contactHeader: String {
        let transport = transaction.context.transport
        return transport == .udp ? "<sip:gatehouse@\(contactAddress)>"
            : "<sip:gatehouse@\(contactAddress);transport=\(transport.rawValue.lowercased())>"
    }

    /// Our Contact for a leg sent over `transport` (RFC 3261 §8.1.1.8: reachable on the transport
    /// the request goes out on).
    func contactHeader(for transport: SIPTransportProtocol) -> String {
        let address = contactAddresses[transport] ?? contactAddress
        return transport == .udp ? "<sip:gatehouse@\(address)>"
            : "<sip:gatehouse@\(address);transport=\(transport.rawValue.lowercased())>"
    }

    /// Reserves ports, then creates and starts the state machine on this loop.
    func allocateMedia() {
        if rejectBriefSession() { return }
        let media = service.media
        let id = callID
        // Video gets ports when the caller offers it as its second stream (a door's H.264).
        let streams = offer?.media ?? []
        let video = streams.count >= 2 && streams[0].media == .audio && streams[1].media == .video && streams[1].port != 0
            || delayedOfferVideo
        if !video, let engine = service.engineSessions {
            // The usual call: ports bound here, their registration queued on the media loop.
            do {
                mediaReady(try engine.allocateAudioNow(callID: id, callerSRTP: callerMayUseSRTP,
                                                       calleeSRTP: service.planMayUseSRTP()))
            } catch {
                mediaFailed(error)
            }
            return
        }
        Task { [self] in
            do {
                let allocation = try await media.allocate(callID: id, callerStreams: max(streams.count, video ? 2 : 1),
                                                          calleeStreams: video ? 2 : 1)
                shard.run { self.mediaReady(allocation) }
            } catch {
                shard.run { self.mediaFailed(error) }
            }
        }
    }

    func mediaFailed(_ error: any Error) {
        logger.warning("no media ports for the call", metadata: ["callID": "\(callID)", "error": "\(error)"])
        guard !cancelledEarly else { return }
        var response = invite.makeResponse(status: 503, toTag: callerTag)
        response.headers.append(.reason, value: Q850Cause.reason(forStatus: 503).description)
        try? transaction.respond(response)
        finish()
    }

    func mediaReady(_ allocation: MediaAllocation) {
        guard !cancelledEarly else {
            let (media, id) = (service.media, callID)
            Task { await media.release(callID: id) }
            return
        }
        machine = CallStateMachine(callID: callID, decision: decision, callerOffer: offer, contacts: contacts,
                                   media: allocation)
        machine?.doorEndpoints = Set(plan.endpoints.values.filter { $0.class == .door }.map(\.name))
        machine?.callerSupportsReliable = offer == nil && callerSupportsReliable
        service.mediaEvents?(callID) { [self] event in
            switch event {
            case .timeout:
                // Ignored while on hold (the engine re-arms at the resume): keep listening.
                shard.run {
                    if self.machine?.isOnHold == true {
                        self.logger.info("media timeout ignored: on hold", metadata: ["callID": "\(self.callID)"])
                    }
                    self.drive { $0.receiveMediaTimeout(at: Date()) }
                }
                return true
            case .dtmf(let leg, let digit):
                shard.run { self.receiveDTMF(digit, on: leg) }
                return true
            }
        }
        drive { $0.start(at: Date()) }
    }

    /// Feeds one event to the machine and performs what it returns.
    func drive(_ event: (inout CallStateMachine) -> [CallAction]) {
        guard machine != nil else { return }
        let before = legRecords
        guard let actions = withMachine(event) else { return }
        noteLegChanges(since: before)
        for action in actions { perform(action) }
    }

    func perform(_ action: CallAction) {
        switch action {
        case .sendResponseToCaller(let status, let sdp, let reason):
            // RFC 3262 §3: a caller requiring 100rel gets every 18x reliably (CallContext+EarlyOffer).
            if status > 100, status < 200, callerRequiresReliable { return sendReliably(status: status, sdp: sdp) }
            respondToCaller(status: status, sdp: sdp, reason: reason)
        case .sendReliableProvisionalToCaller(let status, let sdp):
            sendReliably(status: status, sdp: sdp)
        case .createOutboundLeg(let request):
            createLeg(request)
        case .cancelLeg(let id, let reason):
            cancelLeg(id, reason: reason)
        case .ackLeg(let id):
            ackLeg(id)
        case .sendByeToLeg(let id, let reason):
            byeLeg(id, reason: reason)
        case .sendByeToCaller(let reason):
            byeCaller(reason: reason)
        case .startTimer(let timer, let delay):
            if let running = timers[timer] { shard.timerWheel.cancel(running) }
            timers[timer] = shard.timerWheel.schedule(after: delay) { [self] in
                timers[timer] = nil
                drive { $0.timerFired(timer, at: Date()) }
            }
        case .stopTimer(let timer):
            if let running = timers.removeValue(forKey: timer) { shard.timerWheel.cancel(running) }
        case .updateMedia(let plan):
            updateMedia(plan)
            configureDTMF(for: plan)
        case .sendReinvite(let side, let offer):
            // After our session refresh in that dialog, if one is out (CallContext+SessionTimer).
            afterRefresh(toward: side) { [self] in sendReinvite(toward: side, offer: offer) }
        case .answerPendingOffer(let side, let sdp):
            answerPendingOffer(side, sdp: sdp)
        case .rejectPendingOffer(let side, let status):
            rejectPendingOffer(side, status: status)
        case .notifyTransfer(let id, let status, let final):
            notifyTransfer(id, status: status, final: final)
        case .releaseMedia:
            releaseMedia()
        case .allocateVideo:
            allocateVideo()
        case .releaseVideo:
            releaseVideo()
        case .callEnded(var record):
            finishDTMF(&record)
            noteEnd(record)
            logger.info("call ended", metadata: [
                "callID": "\(record.callID)", "caller": "\(record.caller)", "called": "\(record.called)",
                "status": "\(record.status)", "cause": "\(record.q850Cause)", "endedBy": "\(record.endedBy.rawValue)",
                "legs": "\(record.summary)"])
            service.sink.submit(record)
            finish()
        }
    }

    /// Media operations run in order, one after the other, off the loop. Those asked for while
    /// handling one SIP event (an answer's update and its DTMF set-up) share one task.
    func chainMedia(_ body: @escaping MediaOperation) {
        mediaQueue.append(body)
        guard mediaQueue.count == 1 else { return }
        shard.eventLoop.execute { [self] in
            let (previous, media, id, bodies, pending) = (mediaChain, service.media, callID, mediaQueue, mediaPending)
            pending.count.add(1, ordering: .relaxed)
            mediaQueue.removeAll()
            mediaChain = Task {
                await previous?.value
                for body in bodies { await body(media, id) }
                pending.count.subtract(1, ordering: .releasing)
            }
        }
    }

    /// The caller's ACK for our 2xx (or a re-INVITE's): the §13.3.1.4 timer stops.
    func receiveCallerAck(_ ack: SIPMessage? = nil) {
        if let ackTimer { shard.timerWheel.cancel(ackTimer) }
        ackTimer = nil
        if let ack { receiveCallerAnswer(in: ack) }
    }

    /// The call is over for the caller: timers stop, and the call leaves its shard, leaving a
    /// tombstone for late requests until the linger time is over (``leaveShard()``).
    func finish() {
        finished = true
        endPendingOffers()
        service.callEnded(callID)
        stopSessionTimers()
        if let ackTimer { shard.timerWheel.cancel(ackTimer) }
        ackTimer = nil
        for timer in timers.values { shard.timerWheel.cancel(timer) }
        timers.removeAll()
        leaveShard()
    }

    /// Answers the caller's INVITE with our To tag; 1xx/2xx carry our Contact and create the
    /// UAS dialog (RFC 3261 §12.1.1); failures carry the `Reason` (RFC 6432).
    func respondToCaller(status: Int, sdp: SessionDescription?, reason: Reason?) {
        var response = invite.makeResponse(status: status, toTag: callerTag)
        if (101..<300).contains(status) {
            // RFC 3261 §12.1.1: the caller's Record-Route, in order, in every dialog-creating
            // response (its proxies stay on the route; it never crosses to another leg).
            for value in invite.headers.values(.recordRoute) { response.headers.append(.recordRoute, bytes: value) }
        }
        if status < 300 { response.headers.append(.contact, value: contactHeader) }
        if status >= 400, decision.attempts.isEmpty, let refusal = decision.refusal {
            response.headers.append(.warning, value: CallService.warning(399, refusal))
        }
        if let reason { response.headers.append(.reason, value: reason.description) }
        if let sdp { response.setBody(sdp.bytes, contentType: "application/sdp") }
        noteSDP(of: response, .callerAnswer(status: status))
        if (200..<300).contains(status) { addCallerSessionTimer(to: &response) }
        if (101..<300).contains(status) {
            if callerDialog == nil { callerDialog = try? SIPDialog(uas: invite, response: response) } else {
                callerDialog?.update(with: response)
            }
        }
        if status >= 200 { stopReliableRetransmissions() }
        if (200..<300).contains(status) { service.callAnswered(callID) }
        if (200..<300).contains(status), ackTimer == nil {
            ackTimer = shard.timerWheel.schedule(in: CallService.linger) { [self] in
                ackTimer = nil
                logger.info("no ACK from the caller", metadata: ["callID": "\(callID)"])
                drive { $0.receiveCallerAckTimeout(at: Date()) }
            }
        }
        do { try transaction.respond(response) } catch {
            logger.debug("cannot answer the caller", metadata: ["callID": "\(callID)", "status": "\(status)", "error": "\(error)"])
        }
    }

    /// The caller's CANCEL (the stack answered it 200).
    func receiveCallerCancel() {
        guard machine != nil else {
            cancelledEarly = true
            var response = invite.makeResponse(status: 487, toTag: callerTag)
            response.headers.append(.reason, value: Q850Cause.reason(Q850Cause.normalClearing).description)
            try? transaction.respond(response)
            finish()
            return
        }
        drive { $0.receiveCallerCancel(reason: nil, at: Date()) }
    }

    /// BYE to the caller through its dialog, sent back to the address it sends from (NAT).
    func byeCaller(reason: Reason) {
        guard var dialog = callerDialog, let stack else { return }
        let bye = dialog.makeRequest(.bye, headers: [(.reason, reason.description)])
        callerDialog = dialog
        let context = transaction.context
        stack.sendRequest(bye.message, to: SIPTransportTarget(address: context.source, transport: context.transport)) { _ in }
    }
}
