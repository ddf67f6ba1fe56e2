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
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: nil, retryAfter: 7))
        var observed = 0
        while !guardian.overloaded, observed < 1000 {
            guardian.observe(queueDelay: .milliseconds(300), receiveBacklog: 1)
            observed += 1
        }
        // 300 ms each, counted as 200 (twice the limit): the mean passes 100 ms after 11
        // messages (weight 1/16).
        #expect(observed == 11)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 7))
        // Under the limit but above half of it: still refusing (hysteresis).
        for _ in 0..<200 { guardian.observe(queueDelay: .milliseconds(60), receiveBacklog: 0) }
        #expect(guardian.overloaded)
        for _ in 0..<200 { guardian.observe(queueDelay: .milliseconds(40), receiveBacklog: 0) }
        #expect(!guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .accept)
    }

    @Test func aPauseInTheTrafficEndsTheOverload() {
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: 0.5))
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
        var guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: nil, maxReceiveBacklog: 0.5))
        for _ in 0..<100 { guardian.observe(queueDelay: .seconds(3), receiveBacklog: 0.3) }
        #expect(!guardian.overloaded, "the delay signal is off; 30% fill is under the limit")
        for _ in 0..<100 { guardian.observe(queueDelay: .zero, receiveBacklog: 0.9) }
        #expect(guardian.overloaded)
        #expect(guardian.admitInvite(pendingInvites: 0) == .reject(retryAfter: 5))
        for _ in 0..<100 { guardian.observe(queueDelay: .zero, receiveBacklog: 0.2) }
        #expect(!guardian.overloaded)
    }

    @Test func pendingInvitesAreBounded() {
        let guardian = SIPOverloadGuard(limits: .init(maxQueueDelay: nil, maxReceiveBacklog: nil, maxPendingInvites: 3, retryAfter: 2))
        #expect(guardian.isActive)
        #expect(guardian.admitInvite(pendingInvites: 2) == .accept)
        #expect(guardian.admitInvite(pendingInvites: 3) == .reject(retryAfter: 2))
    }

    @Test func limitsAreClamped() {
        let limits = SIPOverloadGuard.Limits(maxReceiveBacklog: 7, maxPendingInvites: 0, retryAfter: 0)
        #expect(limits.maxReceiveBacklog == 1)
        #expect(limits.maxPendingInvites == 1)
        #expect(limits.retryAfter == 1)
    }
}
