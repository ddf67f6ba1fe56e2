import Foundation
import SIPSecurity
import Testing

@Suite struct CallRateAlarmTests {
    let t0 = Date(timeIntervalSince1970: 3_000_000)

    /// `perWindow` calls in each of `windows` 60 s windows from `start`; the alarms raised.
    func run(_ alarm: inout CallRateAlarm, caller: String = "alice", perWindow: Int, windows: Int, from start: Int = 0) -> [CallRateAlarm.Alarm] {
        var raised: [CallRateAlarm.Alarm] = []
        for window in start..<(start + windows) {
            for call in 0..<perWindow {
                let at = t0 + Double(window * 60) + Double(call) * 59 / Double(max(1, perWindow))
                if let alarm = alarm.record(caller: caller, at: at) { raised.append(alarm) }
            }
        }
        return raised
    }

    @Test func steadyBusyCallerAlarmsOnlyAsANewcomer() {
        var alarm = CallRateAlarm()
        // Unknown before: 12 calls in its first minute is a jump from nothing (one alarm) …
        let first = run(&alarm, perWindow: 12, windows: 1)
        #expect(first.count == 1)
        // … then the same steady rate for two hours never alarms again.
        #expect(run(&alarm, perWindow: 12, windows: 120, from: 1).isEmpty)
    }

    @Test func quietCallerThatSuddenlyFloodsAlarmsOnceInTheQuietPeriod() {
        var alarm = CallRateAlarm()
        #expect(run(&alarm, perWindow: 2, windows: 30).isEmpty)
        let raised = run(&alarm, perWindow: 40, windows: 3, from: 30)
        #expect(raised.count == 1)
        #expect(raised.first?.caller == "alice")
        #expect(raised.first?.calls == 10)
        // After the quiet period the jump (still far above the baseline) alarms again.
        #expect(run(&alarm, perWindow: 40, windows: 1, from: 50).count == 1)
    }

    @Test func fewCallsNeverAlarmEvenFromZero() {
        var alarm = CallRateAlarm()
        #expect(run(&alarm, perWindow: 9, windows: 1).isEmpty)
    }

    @Test func callersAreCountedApartAndMemoryIsBounded() {
        var alarm = CallRateAlarm(configuration: .init(maxCallers: 3))
        for index in 0..<10 { _ = alarm.record(caller: "c\(index)", at: t0 + Double(index)) }
        #expect(alarm.trackedCallers == 3)
        var other = CallRateAlarm()
        _ = run(&other, caller: "bob", perWindow: 2, windows: 5)
        #expect(run(&other, caller: "alice", perWindow: 15, windows: 1, from: 5).count == 1)
    }
}
