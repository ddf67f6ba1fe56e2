import DTMF
import NIOCore

/// Drives a `DTMFInterworking` in virtual time the way the call layer would: executes its
/// actions (records them), runs its INFO gap timers, and answers INFOs when told to.
struct InterworkingHarness {
    typealias Leg = DTMFInterworking.Leg
    typealias Action = DTMFInterworking.Action

    var machine: DTMFInterworking
    /// Virtual time in ms (`ms(now)` is the deadline).
    var now = 0
    /// Every action executed, in order, with the time.
    var executed: [(time: Int, action: Action)] = []
    private var timers: [DTMFInterworking.Timer: Int] = [:]

    init(_ machine: DTMFInterworking) {
        self.machine = machine
    }

    /// A door (leg a, INFO, 250/400) and a softphone (leg b, RFC 4733 negotiated), opening with `1`.
    static func doorAndSoftphone(doorRules: [DTMFInterworking.DoorRule]? = nil, softphoneMode: DTMFMode = .rfc4733,
                                 softphoneTE: Bool = true, door: DTMFInterworking.LegConfiguration? = nil) -> InterworkingHarness {
        let rules = doorRules ?? [.init(door: .a, sequence: [.one])]
        var harness = InterworkingHarness(DTMFInterworking(doorRules: rules))
        harness.apply(harness.machine.configure(.a, door ?? .init(name: "front-door", mode: .info, telephoneEventNegotiated: false), at: ms(0)))
        harness.apply(harness.machine.configure(.b, .init(name: "alice", mode: softphoneMode, telephoneEventNegotiated: softphoneTE,
                                                           minimumDurationMilliseconds: 100, gap: .milliseconds(100)), at: ms(0)))
        harness.executed.removeAll()
        return harness
    }

    mutating func apply(_ actions: [Action]) {
        for action in actions {
            executed.append((now, action))
            if case .startTimer(let timer, let delay) = action {
                timers[timer] = now + Int(delay.nanoseconds / 1_000_000)
            }
        }
    }

    /// Moves time to `time`, firing due timers in order.
    mutating func advance(to time: Int) {
        while let (timer, due) = timers.min(by: { $0.value < $1.value }), due <= time {
            timers[timer] = nil
            now = due
            apply(machine.timerFired(timer, at: ms(due)))
        }
        now = time
    }

    /// A digit report at `time`.
    mutating func receive(_ digit: DTMFDigit, _ phase: DTMFEvent.Phase, by method: DTMFMethod, on leg: Leg, at time: Int) {
        advance(to: time)
        apply(machine.receive(DTMFEvent(digit: digit, phase: phase, method: method, time: ms(time)), on: leg))
    }

    /// A whole press: start at `time`, end `duration` ms later.
    mutating func press(_ digit: DTMFDigit, by method: DTMFMethod, on leg: Leg, at time: Int, duration: Int = 120) {
        receive(digit, .start, by: method, on: leg, at: time)
        receive(digit, .end(durationMilliseconds: duration), by: method, on: leg, at: time + duration)
    }

    /// An INFO request arriving on `leg`; returns the answer.
    @discardableResult
    mutating func info(_ body: String, type: String? = "application/dtmf-relay", on leg: Leg, at time: Int) -> DTMFInterworking.INFOAnswer {
        advance(to: time)
        let (answer, actions) = machine.receiveINFO(body: Array(body.utf8), contentTypeHeader: type, on: leg, at: ms(time))
        apply(actions)
        return answer
    }

    /// The final response to the INFO in flight on `leg`.
    mutating func respond(_ status: Int, on leg: Leg, at time: Int) {
        advance(to: time)
        apply(machine.receiveINFOResponse(statusCode: status, on: leg, at: ms(time)))
    }

    /// INFO bodies sent on `leg`, as text, with their times.
    func infos(on leg: Leg) -> [(time: Int, body: String)] {
        executed.compactMap { entry in
            guard case .sendINFO(leg, _, let body, _) = entry.action else { return nil }
            return (entry.time, String(decoding: body, as: UTF8.self))
        }
    }

    /// Media actions (events and tones) in order, without logs, timers, INFOs and directives.
    var mediaActions: [Action] {
        executed.map(\.action).filter {
            switch $0 {
            case .startTelephoneEvent, .stopTelephoneEvent, .sendTelephoneEvent, .generateInBand: true
            default: false
            }
        }
    }

    var doorActions: [DTMFInterworking.DoorActionMatch] {
        executed.compactMap { if case .doorAction(let match) = $0.action { match } else { nil } }
    }

    var logs: [String] {
        executed.compactMap { if case .log(let entry) = $0.action { entry.text } else { nil } }
    }

    var routes: [DTMFInterworking.DigitRoute] {
        executed.compactMap { if case .log(let entry) = $0.action { entry.route } else { nil } }
    }

    var directives: [Leg: DTMFInterworking.MediaDirective] {
        var result: [Leg: DTMFInterworking.MediaDirective] = [:]
        for entry in executed { if case .configureMedia(let leg, let directive) = entry.action { result[leg] = directive } }
        return result
    }
}

/// A relay body as sent.
func relayBody(_ digit: String, _ duration: Int) -> String { "Signal=\(digit)\r\nDuration=\(duration)\r\n" }
