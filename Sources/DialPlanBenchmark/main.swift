import DialPlan
import Foundation
import Yams

// Measures dial-plan load time and per-call route evaluation on a generated plan.
// Usage: dialplan-bench [ENDPOINTS] [ROUTES] [CALLS]   (scripts/bench-dialplan builds and runs it)

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let endpointCount = arguments.count > 0 ? arguments[0] : 10_000
let routeCount = arguments.count > 1 ? arguments[1] : 1_000
let callCount = arguments.count > 2 ? arguments[2] : 200_000

let generator = PlanGenerator(endpoints: endpointCount, routes: routeCount)
let text = generator.yaml()
let clock = ContinuousClock()

/// CPU time of this process: the machine is shared, so wall time alone overstates the cost.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `body`, returning (wall seconds, CPU seconds).
func measure(_ body: () -> Void) -> (Double, Double) {
    let cpu = cpuSeconds()
    let wall = clock.measure(body)
    return (seconds(wall), cpuSeconds() - cpu)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var loadTimes: [(Double, Double)] = []
var loaded: DialPlanLoadResult?
for _ in 0..<3 {
    loadTimes.append(measure { loaded = DialPlan.load(text: text, file: "generated.yaml") })
}
guard let result = loaded, let plan = result.plan else {
    print(loaded?.diagnostics.prefix(10).map(\.description).joined(separator: "\n") ?? "no plan")
    exit(1)
}
print("plan: \(plan.summary), \(text.utf8.count / 1024) KiB of YAML")
let compose = measure { _ = try? Yams.compose(yaml: text) }
let best = loadTimes.min { $0.1 < $1.1 } ?? (0, 0)
print(String(format: "load (parse + decode + validate), best of 3: %.3f s CPU (%.3f s wall); YAML compose alone %.3f s CPU",
             best.1, best.0, compose.1))

// A mix of calls: door calls (early routes), DIDs, outbound patterns, extensions (late routes), and
// unmatched numbers that scan every route before the catch-all.
let time = plan.localTime("2026-11-23T10:00") ?? Date()
var calls: [CallRequest] = []
for index in 0..<1000 {
    let door = index % generator.doors
    let extensionTarget = generator.doors + (index * 7) % max(1, routeCount / 2)
    switch index % 5 {
    case 0: calls.append(CallRequest(caller: .endpoint("door-\(door)"), calledNumber: "\(door % 100 + 100)", time: time))
    case 1: calls.append(CallRequest(caller: .trunk("trunk-\(index % 10)"), calledNumber: "+468123\(String(10_000 + index % (routeCount / 2)).suffix(4))", time: time))
    case 2: calls.append(CallRequest(caller: .endpoint("ep-\(generator.doors + 1)"), calledNumber: "0\(index % 9 + 1)1234567", time: time))
    case 3: calls.append(CallRequest(caller: .endpoint("ep-\(generator.doors + 2)"), calledNumber: "\(30000 + extensionTarget)", time: time))
    default: calls.append(CallRequest(caller: .endpoint("ep-\(generator.doors + 3)"), calledNumber: "999999", time: time))
    }
}
let state = NetworkState(offline: ["ep-\(generator.doors + 5)"], trunksDown: ["trunk-3"])

var attempts = 0
for call in calls { attempts += plan.route(call, state: state).attempts.count }  // warm-up
let mixed = measure {
    for index in 0..<callCount { attempts &+= plan.route(calls[index % calls.count], state: state).attempts.count }
}
let unmatchedCall = calls[4]
let unmatched = measure {
    for _ in 0..<(callCount / 10) { attempts &+= plan.route(unmatchedCall, state: state).attempts.count }
}
let explained = measure { for _ in 0..<100 { attempts &+= plan.route(unmatchedCall, state: state, explain: true).attempts.count } }
print(String(format: "route evaluation, mixed calls: %.2f µs CPU per call (%.2f µs wall; %d calls)",
             mixed.1 / Double(callCount) * 1e6, mixed.0 / Double(callCount) * 1e6, callCount))
print(String(format: "route evaluation, unmatched number (falls to the catch-all): %.2f µs CPU per call",
             unmatched.1 / Double(callCount / 10) * 1e6))
print(String(format: "route explain (trace of all %d routes): %.0f µs CPU per call", routeCount, explained.1 / 100 * 1e6))
print("(checksum \(attempts))")
