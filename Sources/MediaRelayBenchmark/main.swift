// media-bench: N concurrent calls through one MediaEngine media thread, a packet generator on
// another thread sending 50 packets/s per direction (20 ms). Reports the media thread's CPU
// (utime+stime from /proc/self/task/TID/stat, so the generator is not counted) per call and
// per packet, loss, one-way latency through the engine, and for transcoding rows the raw codec
// cost per call measured in the same process (no I/O) with the ratio.
// Usage: media-bench [relay|opus|g722|srtp] [calls] [seconds]
import Foundation
import MediaRelay
import NIOCore
import NIOPosix
import SecureRTP
import Transcoding

let arguments = CommandLine.arguments
let scenario = arguments.count > 1 ? Scenario(rawValue: arguments[1]) ?? .relay : .relay
let calls = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
let seconds = arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10

func threadCPU(tid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // Fields after the command: state is index 0; utime is field 14 overall → index 11 here.
    guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return 0 }
    return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

// Two generator threads (each call's two phones on one of them), so a busy machine does not
// starve the generator into dropping what the engine relayed.
let generatorGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let generatorLoops = [generatorGroup.next(), generatorGroup.next()]
let engine = try MediaEngine(group: generatorGroup, configuration: .init(portRange: 42000...(42000 + calls * 4 + 200)))
var relayTID: Int32 = 0
while relayTID == 0 {
    relayTID = engine.threadIDs.first ?? 0
    try await Task.sleep(for: .milliseconds(1))
}

let codecA = MediaCodec(payloadType: 0, format: .pcmu)
let codecB = scenario.codecB
let payloadsA = try payloads(.pcmu)
let payloadsB = try payloads(codecB.format)
let packetsPerPeer = seconds * 50
let suite = SRTPCryptoSuite.aesCM128HMACSHA1_80

var sessions: [MediaSession] = []
var peers: [Peer] = []
for call in 0..<calls {
    let loop = generatorLoops[call % 2]
    let session = try await engine.allocateSession(rtcpMux: true)
    var pair: [Peer] = []
    for leg in MediaLeg.allCases {
        let handler = PeerHandler(loop: loop)
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) } }
            .bind(host: "127.0.0.1", port: 0).get()
        let codec = leg == .a ? codecA : codecB
        var srtp: SRTPLegConfiguration?
        var phone: SRTPSession?
        if scenario == .srtp, leg == .b {
            let relayKey = SDESKeyParameters.generate(for: suite)
            let phoneKey = SDESKeyParameters.generate(for: suite)
            srtp = SRTPLegConfiguration(suite: suite, localKey: relayKey, remoteKey: phoneKey)
            phone = try SRTPSession(suite: suite, localKey: phoneKey, remoteKey: relayKey)
        }
        try await session.configure(leg: leg, LegConfiguration(remote: channel.localAddress!, codec: codec, srtp: srtp))
        let peer = Peer(
            channel: channel, target: try SocketAddress(ipAddress: "127.0.0.1", port: session.localPort(leg)), codec: codec,
            payloads: leg == .a ? payloadsA : payloadsB, ssrc: UInt32(call * 2 + leg.rawValue + 1), srtp: phone, packets: packetsPerPeer)
        try await loop.submit { handler.peer.value = peer }.get()
        pair.append(peer)
    }
    pair[0].source = pair[1]
    pair[1].source = pair[0]
    peers += pair
    sessions.append(session)
}

let allPeers = peers
let cpuStart = threadCPU(tid: relayTID)
let wallStart = Date()
let tasks = generatorLoops.enumerated().map { index, loop in
    // Calls alternate between the loops: peers 4k, 4k+1 on loop 0, 4k+2, 4k+3 on loop 1.
    let schedule = Schedule(peers: allPeers.enumerated().filter { ($0.offset / 2) % 2 == index }.map(\.element), packetsPerPeer: packetsPerPeer)
    return loop.scheduleRepeatedTask(initialDelay: .milliseconds(1), delay: .milliseconds(1)) { task in
        if !schedule.fire() { task.cancel() }
    }
}
try await Task.sleep(for: .seconds(seconds))
try await Task.sleep(for: .milliseconds(500))
let wall = Date().timeIntervalSince(wallStart)
let cpu = threadCPU(tid: relayTID) - cpuStart
tasks.forEach { $0.cancel() }
var sent = 0
var received = 0
var latencies: [UInt64] = []
for (index, loop) in generatorLoops.enumerated() {
    let mine = allPeers.enumerated().filter { ($0.offset / 2) % 2 == index }.map(\.element)
    let (s, r, l) = try await loop.submit {
        (mine.reduce(0) { $0 + $1.sendTimes.count }, mine.reduce(0) { $0 + $1.received }, mine.flatMap(\.latencies))
    }.get()
    sent += s
    received += r
    latencies += l
}
let sortedLatencies = latencies.sorted()
for session in sessions { await session.release() }

func percentile(_ p: Double) -> Double {
    sortedLatencies.isEmpty ? 0 : Double(sortedLatencies[min(sortedLatencies.count - 1, Int(Double(sortedLatencies.count) * p))]) / 1e6
}
let perCall = 100 * cpu / wall / Double(calls)
var line = String(
    format: "%@ calls=%d seconds=%.1f sent=%d relayed=%d loss=%.3f%% engine-cpu=%.2fs (%.1f%% of a core) cpu/call=%.3f%% of a core cpu/packet=%.2fus latency-ms p50=%.2f p99=%.2f",
    scenario.rawValue, calls, wall, sent, received, sent > 0 ? 100 * Double(sent - received) / Double(sent) : 0,
    cpu, 100 * cpu / wall, perCall, sent > 0 ? cpu / Double(sent) * 1e6 : 0, percentile(0.5), percentile(0.99))
if scenario.transcodes {
    // The engine codes at the narrower leg's rate (8 kHz against PCMU); the raw loop does the same.
    let raw = try rawCodecMicrosecondsPerFrame(codecB.format, sampleRate: 8000)
    let rawPerCall = raw * 50 / 1e6 * 100
    line += String(format: " raw-codec=%.1fus/frame raw/call=%.3f%% of a core engine/raw=%.2fx", raw, rawPerCall, perCall / rawPerCall)
    if scenario == .opus {
        let wide = try rawCodecMicrosecondsPerFrame(codecB.format, sampleRate: 48000)
        line += String(format: " (raw at 48 kHz: %.1fus/frame, %.3f%% of a core)", wide, wide * 50 / 1e6 * 100)
    }
}
if scenario == .srtp {
    let raw = try rawSRTPMicrosecondsPerFrame()
    let rawPerCall = raw * 50 / 1e6 * 100
    line += String(format: " raw-srtp=%.1fus/frame raw/call=%.3f%% of a core", raw, rawPerCall)
}
print(line)
try await generatorGroup.shutdownGracefully()
