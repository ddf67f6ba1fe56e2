// media-bench: N concurrent relayed PCMU calls through one MediaEngine event loop, driven by a
// packet generator on other threads at 50 packets/s per direction (20 ms). Reports the relay
// loop thread's CPU (from /proc/self/task/TID/stat, so the generator is not counted), CPU per
// call and per packet, and loss. Usage: media-bench [calls] [seconds]
import Foundation
import MediaRelay
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Transcoding

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 50 : 50
let seconds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 10 : 10

final class Counter: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let count = NIOLockedValueBox(0)
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { count.withLockedValue { $0 += 1 } }
}

func threadCPU(tid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // Fields after the command: state is index 0; utime is field 14 overall → index 11 here.
    guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return 0 }
    return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

let relayGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let generatorGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let engine = try MediaEngine(group: relayGroup, configuration: .init(portRange: 42000...(42000 + calls * 4 + 200)))
// The media loop's kernel thread id (the engine runs its own thread: MediaIOLoop).
var relayTID: Int32 = 0
while relayTID == 0 {
    relayTID = engine.threadIDs.first ?? 0
    try await Task.sleep(for: .milliseconds(1))
}

var sessions: [MediaSession] = []
var peers: [(any Channel, Counter, Int)] = []  // channel, receive counter, relay port to send to
for _ in 0..<calls {
    let session = try await engine.allocateSession(rtcpMux: true)
    for leg in MediaLeg.allCases {
        let counter = Counter()
        let channel = try await DatagramBootstrap(group: generatorGroup)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) } }
            .bind(host: "127.0.0.1", port: 0).get()
        try await session.configure(leg: leg, LegConfiguration(remote: channel.localAddress!, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        peers.append((channel, counter, session.localPort(leg)))
    }
    sessions.append(session)
}

let sent = NIOLockedValueBox(0)
let packetsPerPeer = seconds * 50
let tasks = peers.enumerated().map { index, peer in
    let (channel, _, port) = peer
    let target = try! SocketAddress(ipAddress: "127.0.0.1", port: port)
    let sequence = NIOLockedValueBox(0)
    // Spread the calls over the 20 ms period.
    return channel.eventLoop.scheduleRepeatedTask(initialDelay: .microseconds(Int64(index * 20_000 / peers.count)), delay: .milliseconds(20)) { task in
        let n = sequence.withLockedValue { $0 += 1; return $0 }
        guard n <= packetsPerPeer else { task.cancel(); return }
        var packet = channel.allocator.buffer(capacity: 172)
        packet.writeBytes([0x80, 0, UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)])
        packet.writeInteger(UInt32(n * 160))
        packet.writeInteger(UInt32(index + 1))
        packet.writeRepeatingByte(0xFF, count: 160)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet), promise: nil)
        sent.withLockedValue { $0 += 1 }
    }
}
let cpuStart = threadCPU(tid: relayTID)
let wallStart = Date()
try await Task.sleep(for: .seconds(seconds))
try await Task.sleep(for: .milliseconds(500))
let wall = Date().timeIntervalSince(wallStart)
let cpu = threadCPU(tid: relayTID) - cpuStart
let received = peers.reduce(0) { $0 + $1.1.count.withLockedValue { $0 } }
let total = sent.withLockedValue { $0 }
tasks.forEach { $0.cancel() }
print(String(format: "calls=%d seconds=%.1f sent=%d relayed=%d loss=%.3f%% relay-cpu=%.2fs (%.1f%% of a core) cpu/call=%.3f%% of a core cpu/packet=%.2fus",
             calls, wall, total, received, total > 0 ? 100 * Double(total - received) / Double(total) : 0,
             cpu, 100 * cpu / wall, 100 * cpu / wall / Double(calls), total > 0 ? cpu / Double(total) * 1e6 : 0))
for session in sessions { await session.release() }
