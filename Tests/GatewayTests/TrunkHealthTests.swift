import Gateway
import Testing

/// Which registration states routing may use (issue 4: a carrier authenticates each INVITE on
/// its own, so a trunk on its first REGISTER is tried; a failed or expired one is down).
@Suite struct TrunkHealthTests {
    @Test func registrationStatesForRouting() {
        let now: Int64 = 1_000
        #expect(TrunkHealth(trunk: "t", registration: .notConfigured).isUsable(now: now))
        #expect(TrunkHealth(trunk: "t", registration: .registering).isUsable(now: now), "first REGISTER still out")
        #expect(!TrunkHealth(trunk: "t", registration: .registering).isRegistered(now: now))
        #expect(TrunkHealth(trunk: "t", registration: .registered(until: now + 60)).isUsable(now: now))
        #expect(!TrunkHealth(trunk: "t", registration: .registered(until: now)).isUsable(now: now), "expired")
        #expect(!TrunkHealth(trunk: "t", registration: .failed(retryAt: now + 30, failures: 1)).isUsable(now: now))
        #expect(!TrunkHealth(trunk: "t", registration: .registering, probeUp: false).isUsable(now: now),
                "a probe that says down wins")
    }
}
