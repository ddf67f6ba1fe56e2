import SIPTransaction
import Testing

/// What the driver needs from a machine: fire a timer, and tell timer actions apart.
protocol DrivableTransaction {
    associatedtype Action: Hashable & Sendable
    var isTerminated: Bool { get }
    mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<Action>
    static func timerCommand(of action: Action) -> TimerCommand?
}

enum TimerCommand: Equatable {
    case start(TransactionTimer, after: Duration)
    case cancel(TransactionTimer)
    case terminate(TransactionTermination)
}

extension ClientInviteTransaction: DrivableTransaction {
    static func timerCommand(of action: ClientTransactionAction) -> TimerCommand? { action.timerCommand }
}

extension ClientNonInviteTransaction: DrivableTransaction {
    static func timerCommand(of action: ClientTransactionAction) -> TimerCommand? { action.timerCommand }
}

extension ServerInviteTransaction: DrivableTransaction {
    static func timerCommand(of action: ServerTransactionAction) -> TimerCommand? { action.timerCommand }
}

extension ServerNonInviteTransaction: DrivableTransaction {
    static func timerCommand(of action: ServerTransactionAction) -> TimerCommand? { action.timerCommand }
}

extension ClientTransactionAction {
    var timerCommand: TimerCommand? {
        switch self {
        case .startTimer(let timer, let after): .start(timer, after: after)
        case .cancelTimer(let timer): .cancel(timer)
        case .terminate(let reason): .terminate(reason)
        default: nil
        }
    }
}

extension ServerTransactionAction {
    var timerCommand: TimerCommand? {
        switch self {
        case .startTimer(let timer, let after): .start(timer, after: after)
        case .cancelTimer(let timer): .cancel(timer)
        case .terminate(let reason): .terminate(reason)
        default: nil
        }
    }
}

/// Runs one machine on a virtual clock, the way the stack will on an event loop: timer actions
/// schedule (replacing a running timer of the same name) or cancel timers; `advance` fires due
/// timers in deadline order (ties in start order); `terminate` cancels everything. It records
/// every action with the time it happened, and flags machine bugs (actions after terminate,
/// starting a timer with a negative delay) as test issues.
struct VirtualTimeDriver<Machine: DrivableTransaction> {
    struct Entry: Equatable {
        var time: Duration
        var action: Machine.Action
    }

    private(set) var machine: Machine
    private(set) var now: Duration = .zero
    private(set) var log: [Entry] = []
    private(set) var termination: (time: Duration, reason: TransactionTermination)?
    private var timers: [TransactionTimer: (deadline: Duration, order: Int)] = [:]
    private var order = 0

    init(_ machine: Machine) {
        self.machine = machine
    }

    /// Delivers an event now and returns the actions it produced.
    @discardableResult
    mutating func handle(
        _ event: (inout Machine) throws -> TransactionActions<Machine.Action>
    ) rethrows -> [Machine.Action] {
        let actions = try event(&machine)
        apply(actions)
        return Array(actions)
    }

    /// Moves the clock to `time`, firing every timer due on the way.
    mutating func advance(to time: Duration) {
        while let (timer, deadline) = nextTimer(), deadline <= time {
            now = deadline
            timers[timer] = nil
            apply(machine.timerFired(timer))
        }
        if time > now { now = time }
    }

    mutating func advance(by interval: Duration) {
        advance(to: now + interval)
    }

    /// Fires timers until none is left (bounded, so a machine that never stops fails the test).
    mutating func runUntilIdle(limit: Duration = .seconds(3600)) {
        advance(to: now + limit)
        #expect(timers.isEmpty, "timers still running after \(limit): \(runningTimers)")
    }

    /// The timers now running, with their remaining time.
    var runningTimers: [TransactionTimer: Duration] {
        timers.mapValues { $0.deadline - now }
    }

    /// The times at which `action` happened.
    func times(of action: Machine.Action) -> [Duration] {
        log.filter { $0.action == action }.map(\.time)
    }

    /// Every action, in order, without times.
    var actions: [Machine.Action] { log.map(\.action) }

    private func nextTimer() -> (TransactionTimer, Duration)? {
        timers.min { ($0.value.deadline, $0.value.order) < ($1.value.deadline, $1.value.order) }
            .map { ($0.key, $0.value.deadline) }
    }

    private mutating func apply(_ actions: TransactionActions<Machine.Action>) {
        for action in actions {
            if termination != nil {
                Issue.record("action \(action) after the transaction terminated")
            }
            log.append(Entry(time: now, action: action))
            switch Machine.timerCommand(of: action) {
            case .start(let timer, let after):
                #expect(after > .zero, "timer \(timer) started with \(after)")
                order += 1
                timers[timer] = (now + after, order)
            case .cancel(let timer):
                timers[timer] = nil
            case .terminate(let reason):
                termination = (now, reason)
                timers.removeAll()
            case nil:
                break
            }
        }
        #expect(machine.isTerminated == (termination != nil), "isTerminated disagrees with the actions")
    }
}

extension Duration {
    /// Seconds as a Double, for readable expectations (`0.5`, `31.5`).
    static func s(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}
