import B2BUA
import DTMF
import DialPlan
import Foundation
import MediaRelay
import NIOCore
import SIPCore
import SIPStack

/// DTMF interworking of one call (issue 8): the call's `DTMFInterworking` fed with the media
/// engine's digit reports and the in-dialog DTMF INFOs, its actions executed in order: media
/// ones on the call's `MediaSession`, INFO in the leg's dialog (RFC 6086), INFO pacing timers on
/// the call's loop, door actions and digit routes into the CDR (``CallRecord/dtmf``).
/// The caller is interworking leg `a` (media leg `a`), the answering leg `b`.
@available(macOS 15.0, *)
extension CallContext {
    /// The door rules of a door call: each `on_dtmf_from_callee` entry of the route, the door
    /// being the caller. An entry whose digits are not DTMF digits is skipped and logged.
    func makeDTMFInterworking() -> DTMFInterworking {
        var rules: [DTMFInterworking.DoorRule] = []
        for action in decision.doorActions {
            guard let sequence = DTMFDigit.sequence(action.digits), !sequence.isEmpty else {
                logger.warning("door action with digits that are not DTMF: skipped", metadata: [
                    "callID": "\(callID)", "digits": "\(action.digits)", "line": "\(action.line)"])
                continue
            }
            rules.append(DTMFInterworking.DoorRule(door: .a, sequence: sequence, effect: action.effect.rawValue))
        }
        return DTMFInterworking(doorRules: rules)
    }

    /// Whether the caller is a door (the route has door actions).
    var isDoorCall: Bool { !decision.doorActions.isEmpty }

    /// After a leg's early media (a 18x with SDP), its answer or a re-INVITE: both legs
    /// configured from their endpoint profiles and what the SDP negotiated; the media path
    /// forwards RFC 4733 itself only when both legs negotiated telephone-event and the audio is
    /// not transcoded. Digits during early media are converted like after the answer; INFOs
    /// they produce wait for the answer (``sendDTMFInfo(on:body:contentType:)``).
    func configureDTMF(for plan: MediaPlan) {
        guard !finished, let answered = plan.isEarly ? dtmfEarlyLeg : answeredLegID,
              let calleeTarget = withLeg(answered, { $0.request.target }) else { return }
        if dtmf == nil { dtmf = makeDTMFInterworking() }
        if dtmfAnsweredLeg != nil, dtmfAnsweredLeg != answered {
            // Another leg than the early one: INFOs held for the early leg are void.
            dtmfDeferredINFO.removeAll { $0.leg == .b }
        }
        // The caller's role may have moved to a transfer target's leg (CallContext+Roles).
        let callerTarget = callerLegID.flatMap { withLeg($0) { $0.request.target } }
        let callerProfile = callerTarget?.media.dtmf ?? decision.callerLeg?.media.dtmf ?? decision.doorActions.first?.dtmf
            ?? DTMFProfile.phoneDefault
        let callerEvents = Self.negotiatesTelephoneEvent(plan.caller)
        let calleeEvents = Self.negotiatesTelephoneEvent(plan.callee)
        dtmfEventClocks[.a] = Self.telephoneEventClock(plan.caller)
        dtmfEventClocks[.b] = Self.telephoneEventClock(plan.callee)
        let caller = Self.legConfiguration(name: callerTarget?.target ?? decision.caller, profile: callerProfile, telephoneEvent: callerEvents,
                                           infoAllowed: isDoorCall)
        // A registered endpoint without telephone-event takes INFO rather than tones (what the
        // gateway relayed before the interworking; a 405/415 there ends the attempt, never loops).
        let callee = Self.legConfiguration(name: calleeTarget.target, profile: calleeTarget.media.dtmf,
                                           telephoneEvent: calleeEvents, infoAllowed: calleeTarget.kind == .endpoint && !calleeEvents)
        let now = NIODeadline.now()
        var actions: [DTMFInterworking.Action] = []
        guard var machine = dtmf else { return }
        if machine.configuration(of: .a) != caller { actions += machine.configure(.a, caller, at: now) }
        if dtmfAnsweredLeg != answered || machine.configuration(of: .b) != callee {
            if dtmfAnsweredLeg != nil, dtmfAnsweredLeg != answered { actions += machine.removeLeg(.b, at: now) }
            actions += machine.configure(.b, callee, at: now)
            dtmfAnsweredLeg = answered
        }
        let forwards = callerEvents && calleeEvents && !plan.needsTranscoding
        if machine.mediaForwardsTelephoneEvents != forwards { actions += machine.setMediaForwardsTelephoneEvents(forwards) }
        dtmf = machine
        performDTMF(actions)
        if !plan.isEarly { sendDeferredDTMFInfo() }
    }

    static func negotiatesTelephoneEvent(_ side: MediaPlan.Side) -> Bool {
        guard let audio = side.session.audio, let codec = audio.codec else { return false }
        return audio.telephoneEvent(clockRate: codec.codec.clockRate) != nil || audio.telephoneEvent(clockRate: 8000) != nil
    }

    /// The telephone-event clock when it is not the codec's (8000 beside Opus), else nil.
    static func telephoneEventClock(_ side: MediaPlan.Side) -> Int? {
        guard let audio = side.session.audio, let codec = audio.codec,
              audio.telephoneEvent(clockRate: codec.codec.clockRate) == nil,
              audio.telephoneEvent(clockRate: 8000) != nil else { return nil }
        return 8000
    }

    static func legConfiguration(name: String, profile: DTMFProfile, telephoneEvent: Bool,
                                 infoAllowed: Bool) -> DTMFInterworking.LegConfiguration {
        DTMFInterworking.LegConfiguration(
            name: name, mode: DTMF.DTMFMode(rawValue: profile.mode.rawValue) ?? .auto,
            telephoneEventNegotiated: telephoneEvent, infoAllowed: infoAllowed,
            infoContentType: profile.body == .dtmf ? .dtmf : .dtmfRelay,
            minimumDurationMilliseconds: Int(profile.minDuration / .milliseconds(1)),
            gap: .milliseconds(Int64(profile.gap / .milliseconds(1))))
    }

    /// A digit report from the media engine (RFC 4733 or in-band) on one media leg.
    func receiveDTMF(_ event: DTMFEvent, on leg: MediaLeg) {
        guard var machine = dtmf, !finished else { return }
        let actions = machine.receive(event, on: .init(leg))
        dtmf = machine
        performDTMF(actions)
    }

    /// A DTMF INFO (`application/dtmf-relay`, `application/dtmf`, RFC 6086) from one side:
    /// parsed by the machine and answered with its status and reason. False when the call has
    /// no interworking yet (the INFO is then relayed).
    func receiveDTMFInfo(_ transaction: SIPServerTransaction, from side: CallSide) -> Bool {
        guard var machine = dtmf, !finished else { return false }
        let request = transaction.request
        let result = machine.receiveINFO(body: request.body, contentTypeHeader: request.headers[.contentType],
                                         on: side == .caller ? .a : .b, at: .now())
        dtmf = machine
        try? transaction.respond(status: result.answer.statusCode, reason: result.answer.reasonPhrase)
        performDTMF(result.actions)
        return true
    }

    /// Whether a Content-Type is one of the DTMF INFO body types.
    static func isDTMFInfo(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == DTMFInfoContentType.dtmfRelay.rawValue || type == DTMFInfoContentType.dtmf.rawValue
    }

    /// Executes the machine's actions in order: media ones chained on the session (after any
    /// media update before them), the rest here on the call's loop.
    func performDTMF(_ actions: [DTMFInterworking.Action]) {
        for action in actions {
            switch action {
            case .sendINFO(let leg, _, let body, let contentType):
                sendDTMFInfo(on: leg, body: body, contentType: contentType)
            case .startTimer(.infoGap(let leg), let delay):
                if let running = dtmfTimers[leg] { shard.timerWheel.cancel(running) }
                dtmfTimers[leg] = shard.timerWheel.schedule(in: delay) { [self] in
                    dtmfTimers[leg] = nil
                    feedDTMF { $0.timerFired(.infoGap(leg), at: .now()) }
                }
            case .doorAction(let match):
                let wall = Date().addingTimeInterval(-Double(NIODeadline.now().uptimeNanoseconds &- match.time.uptimeNanoseconds) / 1e9)
                let line = "door opened by \(match.party) at \(wall.formatted(.iso8601))"
                dtmfRecord.append(line)
                timeline.record(.dtmf, line)
                logger.notice("\(line)", metadata: ["callID": "\(callID)", "action": "\(match)"])
            case .log(let entry):
                if entry.route != nil { dtmfRecord.append(entry.text) }
                timeline.record(.dtmf, entry.text)
                logger.info("DTMF: \(entry.text)", metadata: ["callID": "\(callID)"])
            case .configureMedia(let leg, let directive):
                let configuration = LegDTMFConfiguration(directive, telephoneEventClockRate: dtmfEventClocks[leg])
                let logger = self.logger
                if let session = queuedMedia?.session(callID: callID) {
                    // Queued behind the media update before it (CallContext+MediaPath.swift).
                    let id = callID
                    session.configureDTMFNow(leg: MediaLeg(leg), configuration) { error in
                        logger.info("DTMF media configuration failed", metadata: ["callID": "\(id)", "error": "\(error)"])
                    }
                    continue
                }
                chainMedia { media, id in
                    guard let session = (media as? MediaEngineSessions)?.session(callID: id) else { return }
                    do { try await session.configureDTMF(leg: MediaLeg(leg), configuration) } catch {
                        logger.info("DTMF media configuration failed", metadata: ["callID": "\(id)", "error": "\(error)"])
                    }
                }
            case .startTelephoneEvent, .stopTelephoneEvent, .sendTelephoneEvent, .generateInBand:
                let logger = self.logger
                chainMedia { media, id in
                    guard let session = (media as? MediaEngineSessions)?.session(callID: id) else { return }
                    do { _ = try await session.perform(action) } catch {
                        logger.info("DTMF media action failed", metadata: ["callID": "\(id)", "action": "\(action)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Feeds one input to the machine and performs what it returns.
    func feedDTMF(_ input: (inout DTMFInterworking) -> [DTMFInterworking.Action]) {
        guard var machine = dtmf, !finished else { return }
        let actions = input(&machine)
        dtmf = machine
        performDTMF(actions)
    }

    /// An INFO of the machine's in the leg's dialog; its outcome goes back to the machine.
    /// Before the answer (a digit during early media) it waits for the confirmed dialog: the
    /// machine keeps it in flight, so later digits queue behind it in order.
    func sendDTMFInfo(on leg: DTMFInterworking.Leg, body: [UInt8], contentType: DTMFInfoContentType) {
        guard answeredLegID != nil else {
            dtmfDeferredINFO.append(DeferredDTMFInfo(leg: leg, body: body, contentType: contentType))
            logger.info("DTMF: INFO to leg \(leg) held until the answer", metadata: ["callID": "\(callID)"])
            return
        }
        let shard = self.shard
        sendInfo(toward: leg == .a ? .caller : .callee, contentType: contentType.rawValue, body: body) { [self] status in
            shard.run {
                let now = NIODeadline.now()
                if let status {
                    self.feedDTMF { $0.receiveINFOResponse(statusCode: status, on: leg, at: now) }
                } else {
                    self.feedDTMF { $0.infoTransactionFailed(on: leg, at: now) }
                }
            }
        }
    }

    /// The Reason to pass on for the caller's BYE. A door hanging up after its door action
    /// (INTEROP.md: doors end the call by themselves 5–30 s after opening) ends the call
    /// normally whatever cause it gives: nil, i.e. Q.850 cause 16 on the other leg and in the
    /// CDR (RFC 3326 §2), never a failure. Other BYEs keep their own Reason.
    func callerByeReason(_ reason: Reason?) -> Reason? {
        guard let opened = dtmf?.lastDoorAction, opened.door == .a, !finished else { return reason }
        let seconds = Double(NIODeadline.now().uptimeNanoseconds &- opened.time.uptimeNanoseconds) / 1e9
        let line = "door hung up \(String(format: "%.1f", seconds)) s after it was opened by \(opened.party): normal end"
        dtmfRecord.append(line)
        logger.notice("\(line)", metadata: ["callID": "\(callID)", "reason": "\(reason.map { "\($0)" } ?? "none")"])
        return nil
    }

    /// The INFOs held during early media, sent once the call is answered.
    func sendDeferredDTMFInfo() {
        let deferred = dtmfDeferredINFO
        dtmfDeferredINFO.removeAll()
        for info in deferred { sendDTMFInfo(on: info.leg, body: info.body, contentType: info.contentType) }
    }

    /// The call ends: open events are ended, queued digits dropped; the record gets the door
    /// actions and digit routes; the machine and its timers are released.
    func finishDTMF(_ record: inout CallRecord) {
        if var machine = dtmf {
            let actions = machine.finish(at: .now())
            dtmf = machine
            performDTMF(actions)
        }
        for timer in dtmfTimers.values { shard.timerWheel.cancel(timer) }
        dtmfTimers.removeAll()
        dtmfDeferredINFO.removeAll()
        dtmf = nil
        record.dtmf = dtmfRecord
    }
}

/// A DTMF INFO produced during early media, sent once the call is answered.
struct DeferredDTMFInfo: Sendable {
    var leg: DTMFInterworking.Leg
    var body: [UInt8]
    var contentType: DTMFInfoContentType
}
