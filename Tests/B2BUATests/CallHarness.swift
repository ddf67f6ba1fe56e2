import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import Testing

/// Drives a ``CallStateMachine`` with virtual time and scripted leg responses.
struct CallHarness {
    static let yaml = """
        timezone: Europe/Stockholm
        policy: { country: "46", trunk_classes: [door, softphone] }
        endpoints:
          door: { class: door, auth: { source: 192.168.10.0/29 }, codecs: [PCMU, PCMA, H264], dtmf: { mode: info, min_duration: 300ms, gap: 500ms } }
          alice: { class: softphone, auth: { user: alice, password_env: A }, codecs: [opus, PCMU] }
          bob: { class: softphone, auth: { user: bob, password_env: B }, codecs: [PCMU] }
          carol: { class: softphone, auth: { user: carol, password_env: E }, codecs: [PCMU, H264] }
        groups:
          both: { members: [alice, bob], strategy: parallel }
        trunks:
          carrier:
            server: sip.example
            register: { user: "4687654321", password_env: C }
            numbers: { format: national }
            identity: { from: "+4687654321" }
          backup:
            server: sip2.example
            register: { user: "4687654322", password_env: D }
            identity: { from: "+4687654321" }
        routes:
          - name: door
            from: door
            to: "101"
            try:
              - { ring: alice, timeout: 20s, next_on: [offline, no_answer] }
              - { trunk: carrier, number: "+46701234567", diversion: "+4687654321", timeout: 25s, next_on: [5xx, transport] }
              - { trunk: backup, number: "+46701234567", diversion: "+4687654321", timeout: 25s }
          - name: door-busy
            from: door
            to: "102"
            try:
              - { ring: alice, timeout: 20s, next_on: [offline, no_answer] }
              - { trunk: carrier, number: "+46701234567" }
          - name: door-both
            from: door
            to: "103"
            try: [{ ring: both, timeout: 20s }]
          - name: door-carol
            from: door
            to: "104"
            try: [{ ring: carol, timeout: 20s }]
        """

    static let doorOffer = """
        v=0\r
        o=door 1 1 IN IP4 192.168.10.2\r
        s=-\r
        c=IN IP4 192.168.10.2\r
        t=0 0\r
        m=audio 4000 RTP/AVP 0 8\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=sendrecv\r

        """

    /// The door's offer with an H.264 video stream.
    static let doorVideoOffer = doorOffer + """
        m=video 4002 RTP/AVP 96\r
        a=rtpmap:96 H264/90000\r
        a=fmtp:96 profile-level-id=42801f;packetization-mode=1\r

        """

    static let gateway = "203.0.113.1"

    /// `base` (the door's offer) at SDP version `version` (RFC 4566 §5.2 `o=`), audio `direction`
    /// and the text edits in `edits` (old, new) applied in order: a re-offer from the door.
    static func doorReoffer(version: Int, direction: String = "sendrecv", base: String = doorOffer,
                            edits: [(String, String)] = []) -> String {
        var text = base.replacingOccurrences(of: "o=door 1 1", with: "o=door 1 \(version)")
            .replacingOccurrences(of: "a=sendrecv", with: "a=\(direction)")
        for (old, new) in edits { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    /// A call to 101 answered by the leg-1 callee speaking `codecs`.
    static func answered(contacts: [String: [String]], codecs: [SDPCodec] = [.pcmu]) throws -> CallHarness {
        var call = try CallHarness(dialled: "101", contacts: contacts)
        _ = call.start()
        _ = try call.answer(CallLegID(1), codecs: codecs)
        return call
    }

    var machine: CallStateMachine
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    var now = CallHarness.epoch
    /// Every action so far, in order.
    var log: [CallAction] = []

    /// The default allocation: audio and video ports on each side (an audio-only call has one each).
    static let videoPorts = MediaAllocation(address: gateway, callerPorts: [30000, 30002], calleePorts: [30004, 30006],
                                            sessionID: "42")

    init(dialled: String, offline: Set<String> = [], contacts: [String: [String]], offer: String? = doorOffer,
         media: MediaAllocation = videoPorts) throws {
        let result = DialPlan.load(text: Self.yaml, file: "b2bua-test.yaml")
        guard let plan = result.plan else { throw HarnessError.plan(result.diagnostics.map(\.description)) }
        let request = CallRequest(caller: .endpoint("door"), calledNumber: dialled, time: Self.epoch)
        let decision = plan.route(request, state: NetworkState(offline: offline))
        let offer = try offer.map { try SDPParser().parse($0) }
        machine = CallStateMachine(callID: "call-1", decision: decision, callerOffer: offer, contacts: contacts,
                                   media: media)
    }

    enum HarnessError: Error { case plan([String]), noLeg }

    mutating func record(_ actions: [CallAction]) -> [CallAction] {
        log += actions
        return actions
    }

    mutating func start() -> [CallAction] { record(machine.start(at: now)) }

    mutating func advance(_ duration: Duration) {
        now += TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    mutating func provisional(_ status: Int, from leg: CallLegID, sdp: SessionDescription? = nil) -> [CallAction] {
        record(machine.receiveProvisional(status, sdp: sdp, from: leg, at: now))
    }

    mutating func final(_ status: Int, from leg: CallLegID, sdp: SessionDescription? = nil,
                        reason: Reason? = nil) -> [CallAction] {
        record(machine.receiveFinal(status, sdp: sdp, reason: reason, from: leg, at: now))
    }

    /// The leg answers 200 with an SDP answer to the offer it got, from the codecs it speaks.
    mutating func answer(_ leg: CallLegID, codecs: [SDPCodec], video: [SDPCodec] = [],
                         address: String = "10.0.0.7") throws -> [CallAction] {
        let request = try self.request(leg)
        let sdp = try Self.answer(to: request.offer, codecs: codecs, video: video, address: address)
        return final(200, from: leg, sdp: sdp)
    }

    static func answer(to offer: SessionDescription, codecs: [SDPCodec], video: [SDPCodec] = [],
                       address: String) throws -> SessionDescription {
        let profile = SDPMediaProfile(name: "peer", audioCodecs: codecs, videoCodecs: video, video: video.isEmpty ? .strip : .pass)
        return try Negotiator(profile: profile)
            .answer(to: offer, local: LocalMedia(address: address, ports: [5004, 5006], sessionID: "7")).description
    }

    /// A new offer from `leg`'s peer (RFC 3264 §8): its answer to the INVITE it got, from
    /// `address`, PCMU, audio `direction` (`sendonly` is a hold, RFC 3264 §8.4).
    func peerOffer(from leg: CallLegID, direction: String, address: String) throws -> SessionDescription {
        let text = try Self.answer(to: try request(leg).offer, codecs: [.pcmu], address: address).text
            .replacingOccurrences(of: "a=sendrecv", with: "a=\(direction)")
        return try SDPParser().parse(text)
    }

    /// `side` answers the last re-INVITE toward it in `actions` with 200 and PCMU from `address`.
    mutating func acceptReinvite(toward side: CallSide, in actions: [CallAction], address: String) throws {
        var sent: SessionDescription?
        for case .sendReinvite(side, let sdp) in actions { sent = sdp }
        let answer = try Self.answer(to: try #require(sent), codecs: [.pcmu], address: address)
        _ = record(machine.receiveReinviteResponse(200, sdp: answer, from: side, at: now))
    }

    mutating func ringTimeout(_ attempt: Int) -> [CallAction] {
        record(machine.timerFired(.ring(attempt: attempt), at: now))
    }

    /// The INVITE the machine asked for on `leg`.
    func request(_ leg: CallLegID) throws -> OutboundLegRequest {
        guard let request = log.createdLegs.first(where: { $0.id == leg }) else { throw HarnessError.noLeg }
        return request
    }
}

extension [CallAction] {
    var createdLegs: [OutboundLegRequest] {
        compactMap { action -> OutboundLegRequest? in
            if case .createOutboundLeg(let request) = action { return request }
            return nil
        }
    }

    /// Statuses sent to the caller, in order.
    var callerStatuses: [Int] {
        compactMap { action -> Int? in
            if case .sendResponseToCaller(let status, _, _) = action { return status }
            return nil
        }
    }

    var cancelled: [CallLegID: Reason] {
        var result: [CallLegID: Reason] = [:]
        for case .cancelLeg(let id, let reason) in self { result[id] = reason }
        return result
    }

    var record: CallRecord? {
        for case .callEnded(let record) in self { return record }
        return nil
    }

    var mediaPlans: [MediaPlan] {
        compactMap { action -> MediaPlan? in
            if case .updateMedia(let plan) = action { return plan }
            return nil
        }
    }

    func callerResponse(_ status: Int) -> (sdp: SessionDescription?, reason: Reason?)? {
        for case .sendResponseToCaller(status, let sdp, let reason) in self { return (sdp, reason) }
        return nil
    }
}
