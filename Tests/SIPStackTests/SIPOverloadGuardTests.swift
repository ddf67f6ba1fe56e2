import Testing

@testable import SIPStack

extension SIPOverloadGuard {
    /// The next message, 1 ms after the previous one (no pause).
    mutating func observe(queueDelay: Duration, receiveBacklog: Double) {
        observe(queueDelay: queueDelay, receiveBacklog: receiveBacklog, at: (lastObservation ?? .zero) + .milliseconds(1))
    }
}

/// The overload decision on its own: smoothed queue delay and receive backlog with hysteresis,
/// and the bound on pending INVITEs.
@Suite struct SIPOverloadGuardTests {
    @Test func idleGuardAcceptsAndOffGuardNeverRefuses() {
        var guardian = SIPOverloadGuard()
        #expect(guardian.admitInvite(pendingInvites: 10_000) == .accept)
        var off = SIPOverloadGuard(limits: .off)
        #expect(!off.isActive)
        for _ in 0..<100 { off.observe(queueDelay: .seconds(5), receiveBacklog: 1) }
        #expect(off.admitInvite(pendingInvites: 1_000_000) == .accept)
        guardian.observe(queueDelay: .milliseconds(5), receiveBacklog: 0.1)
        #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
    }

    @Test func oneSlowMessageDoesNotRefuseCalls() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: 0.5))
        for _ in 0..<50 { guardian.observe(queueDelay: .milliseconds(2), receiveBacklog: 0) }
        guardian.observe(queueDelay: .seconds(1), receiveBacklog: 0)
        #expect(!guardian.overloaded)
        guardian.observe(queueDelay: .zero, receiveBacklog: 1)
        #expect(!guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
    }

    @Test func sustainedDelayRefusesUntilItHalves() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: nil, retryAfter: 7,
                                                      sustain: .zero))
        var observed = 0
        while !guardian.overloaded, observed < 1000 {
            guardian.observe(queueDelay: .milliseconds(300), receiveBacklog: 1)
            observed += 1
        }
        // 300 ms each, counted as 200 (twice the limit): the mean passes 100 ms after 11
        // messages (weight 1/16).
        #expect(observed == 11)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 7, signal: .queueDelay))
        // Under the limit but above half of it: still refusing (hysteresis).
        for _ in 0..<200 { guardian.observe(queueDelay: .milliseconds(60), receiveBacklog: 0) }
        #expect(guardian.overloaded)
        for _ in 0..<200 { guardian.observe(queueDelay: .milliseconds(40), receiveBacklog: 0) }
        #expect(!guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
    }

    @Test func aPauseInTheTrafficEndsTheOverload() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: 0.5, sustain: .zero))
        for _ in 0..<100 { guardian.observe(queueDelay: .seconds(1), receiveBacklog: 1) }
        #expect(guardian.overloaded)
        let last = guardian.lastObservation ?? .zero
        // 1.5 s without a message: nothing can be queued; the next message starts afresh.
        guardian.observe(queueDelay: .milliseconds(150), receiveBacklog: 0.9, at: last + .milliseconds(1500))
        #expect(!guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
        // Slow messages right after a pause: never before 8 of them.
        for _ in 0..<(SIPOverloadGuard.minimumObservations - 2) {
            guardian.observe(queueDelay: .seconds(1), receiveBacklog: 1)
        }
        #expect(!guardian.overloaded)
    }

    @Test func fullReceiveQueueRefuses() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: nil, maxReceiveBacklog: 0.5, sustain: .zero))
        for _ in 0..<100 { guardian.observe(queueDelay: .seconds(3), receiveBacklog: 0.3) }
        #expect(!guardian.overloaded, "the delay signal is off; 30% fill is under the limit")
        for _ in 0..<100 { guardian.observe(queueDelay: .zero, receiveBacklog: 0.9) }
        #expect(guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 5, signal: .receiveBacklog))
        for _ in 0..<100 { guardian.observe(queueDelay: .zero, receiveBacklog: 0.2) }
        #expect(!guardian.overloaded)
    }

    /// A stall of the machine: the receive queue fills for 150 ms and drains with the cores idle.
    /// Under the default 200 ms sustain no call is refused; the same fill held for longer is an
    /// overload, refused under the signal that showed it.
    @Test func aStallShorterThanTheSustainRefusesNothing() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: 0.5))
        #expect(guardian.limits.sustain == .milliseconds(200))
        for _ in 0..<50 { guardian.observe(queueDelay: .milliseconds(1), receiveBacklog: 0) }
        for _ in 0..<150 {
            guardian.observe(queueDelay: .milliseconds(40), receiveBacklog: 0.95)
            #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
        }
        for _ in 0..<20 { guardian.observe(queueDelay: .milliseconds(1), receiveBacklog: 0.05) }
        // Another stall right after: the clock starts again (the first one ended).
        for _ in 0..<150 { guardian.observe(queueDelay: .milliseconds(40), receiveBacklog: 0.95) }
        #expect(!guardian.overloaded)
        // Held: the queue never drains.
        var held = 0
        while !guardian.overloaded, held < 1000 {
            guardian.observe(queueDelay: .milliseconds(40), receiveBacklog: 0.95)
            held += 1
        }
        // 1 ms apart: the mean (0.3 after the 20 calm messages) went over 0.5 at the 6th message
        // of the second stall; 200 ms after that one.
        #expect(held == 56)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 5, signal: .receiveBacklog))
    }

    /// The delay signal under the sustain rule, and a dip under the limit restarting its clock.
    @Test func theSustainClockNeedsAnUnbrokenRun() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: nil,
                                                      sustain: .milliseconds(50)))
        let start = Duration.seconds(10)
        var now = start
        func feed(_ delay: Duration, for count: Int) {
            for _ in 0..<count {
                now += .milliseconds(1)
                guardian.observe(queueDelay: delay, receiveBacklog: 0, at: now)
            }
        }
        feed(.milliseconds(300), for: 40)
        #expect(!guardian.overloaded)
        feed(.zero, for: 30)  // the mean falls under 100 ms: the run is broken
        feed(.milliseconds(300), for: 40)
        #expect(!guardian.overloaded)
        feed(.milliseconds(300), for: 30)
        #expect(guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 5, signal: .queueDelay))
    }

    @Test func pendingInvitesAreBounded() {
        let guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: nil, maxReceiveBacklog: nil, maxPendingInvites: 3, retryAfter: 2))
        #expect(guardian.isActive)
        #expect(guardian.admitInvite(pendingInvites: 2) == .accept)
        #expect(guardian.admitInvite(pendingInvites: 3) == .reject(retryAfter: 2, signal: .pendingInvites))
    }

    @Test func limitsAreClamped() {
        let limits = SIPOverloadGuard.Limits(maxReceiveBacklog: 7, maxPendingInvites: 0, retryAfter: 0, sustain: .seconds(-1))
        #expect(limits.sustain == .zero)
        #expect(limits.maxReceiveBacklog == 1)
        #expect(limits.maxPendingInvites == 1)
        #expect(limits.retryAfter == 1)
    }
}
