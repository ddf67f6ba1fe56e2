import CMediaSocket
import Foundation
import MediaRelay
import NIOCore
import SecureRTP

/// One fake phone: a plain non-blocking UDP socket that sends 20 ms packets to its relay port
/// and records when each packet of the other phone arrived (the kernel's receive timestamp, so
/// the phone need not wait on its socket). Owned by one generator thread.
final class Peer {
    let fd: Int32
    let port: Int
    var target = sockaddr_storage()
    let payloadType: UInt8
    let payloads: [[UInt8]]
    let timestampStep: UInt32
    let ssrc: UInt32
    var srtp: SRTPSession?
    var packet = ByteBufferAllocator().buffer(capacity: 2048)
    /// Send time of each packet (CLOCK_REALTIME ns, the receive timestamps' clock; index =
    /// packet number).
    var sendTimes: [UInt64] = []
    var received = 0
    /// The other phone of the call (latency is matched by order).
    unowned(unsafe) var source: Peer?
    var latencies: [UInt64] = []
    /// Where in `payloads` this phone starts (`frameOffset`).
    let offset: Int

    /// All calls sending the same frame at the same time (`LOCKSTEP=1`, the tool's behaviour
    /// before session 5) instead of each call at its own place in the test signal.
    static let lockstep = ProcessInfo.processInfo.environment["LOCKSTEP"] == "1"

    /// The first payload of call `call`'s phones (both legs alike, so the engine codes each
    /// call's audio as the raw reference loop does): real calls do not carry the same audio in
    /// step, and identical codec states fed identical frames back to back run faster than
    /// real ones (branch prediction), in the engine and in the raw loop alike.
    static func frameOffset(call: Int, frames: Int) -> Int {
        lockstep ? 0 : call % max(1, frames)
    }

    init(codec: MediaCodec, payloads: [[UInt8]], ssrc: UInt32, packets: Int, call: Int) throws {
        let any = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        fd = any.withSockAddr { cmedia_bind_udp($0, socklen_t($1), 1 << 20) }
        guard fd >= 0, cmedia_enable_receive_timestamps(fd) == 0 else { throw MediaRelayError.ioLoopFailed }
        port = Int(cmedia_local_port(fd))
        payloadType = codec.payloadType
        self.payloads = payloads
        timestampStep = UInt32(codec.format.clockRate / 50)
        self.ssrc = ssrc
        offset = Self.frameOffset(call: call, frames: payloads.count)
        sendTimes.reserveCapacity(packets)
        latencies.reserveCapacity(packets)
    }

    var address: SocketAddress { try! SocketAddress(ipAddress: "127.0.0.1", port: port) }

    func aim(at relayPort: Int) throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: relayPort)
        address.withSockAddr { pointer, length in
            withUnsafeMutableBytes(of: &target) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: length)) }
        }
    }

    func sendNext() {
        let number = sendTimes.count
        let payload = payloads[(number + offset) % payloads.count]
        packet.clear()
        packet.writeInteger(UInt8(0x80))
        packet.writeInteger(payloadType)
        packet.writeInteger(UInt16(truncatingIfNeeded: number))
        packet.writeInteger(UInt32(truncatingIfNeeded: number) &* timestampStep)
        packet.writeInteger(ssrc)
        packet.writeBytes(payload)
        if let srtp { try? srtp.protectRTP(&packet) }
        sendTimes.append(realtimeNanoseconds())
        var length = UInt32(packet.readableBytes)
        packet.withUnsafeReadableBytes { bytes in
            _ = cmedia_send_batch(fd, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), 2048, 1, &length, &target)
        }
    }

    /// One datagram that arrived at `now` (CLOCK_REALTIME ns).
    func arrived(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        // Count RTP only: transcoded legs also get the engine's own RTCP (packet types 200–206).
        guard bytes.count >= 12, !(200...206).contains(bytes[1]) else { return }
        if let source, received < source.sendTimes.count {
            latencies.append(now &- source.sendTimes[received])
        }
        received += 1
    }
}

/// The wall clock in nanoseconds (the clock of SO_TIMESTAMPNS receive timestamps).
func realtimeNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// CLOCK_MONOTONIC in nanoseconds (the generator's tick clock, slept on with `clock_nanosleep`).
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// A generator thread, driven by its own 1 ms clock: each tick it sends for the peers whose
/// 20 ms slot has come (a late wake-up catches up, so the rate holds on a busy machine) and
/// drains, without blocking, the sockets of the same peers; then it sleeps until the next tick.
///
/// Nothing ever waits on a phone's socket (no epoll, no blocking read): on loopback the kernel
/// delivers the engine's packet into the phone's socket inside the engine's `sendto`, and a
/// waiter there would be woken from that call, billing the phone's wake-up (and often a
/// preemption of the engine's thread by the woken phone) to the engine. Real phones are on
/// other hosts. Latency stays exact: each datagram carries the kernel's receive timestamp
/// (SO_TIMESTAMPNS), taken when it was queued to the phone's socket, whenever the phone reads it.
final class Generator: @unchecked Sendable {
    let peers: [Peer]
    let packetsPerPeer: Int
    private let finished = NSCondition()
    private var done = false

    init(peers: [Peer], packetsPerPeer: Int) {
        self.peers = peers
        self.packetsPerPeer = packetsPerPeer
    }

    func start(lingerMilliseconds: Int) {
        let thread = Thread { [self] in run(lingerMilliseconds: lingerMilliseconds) }
        thread.start()
    }

    func wait() {
        finished.lock()
        while !done { finished.wait() }
        finished.unlock()
    }

    private func run(lingerMilliseconds: Int) {
        let start = monotonicNanoseconds()
        let sending = UInt64(packetsPerPeer * 20) * 1_000_000
        let end = start + sending + UInt64(lingerMilliseconds) * 1_000_000
        var tick = 0
        let slab = UnsafeMutableRawPointer.allocate(byteCount: 8 * 2048, alignment: 16)
        var lengths = [UInt32](repeating: 0, count: 8)
        var stamps = [UInt64](repeating: 0, count: 8)
        func drain(_ peer: Peer) {
            while true {
                let got = lengths.withUnsafeMutableBufferPointer { lengthPointer in
                    stamps.withUnsafeMutableBufferPointer { stampPointer in
                        cmedia_recv_batch_stamped(peer.fd, slab.assumingMemoryBound(to: UInt8.self), 2048, 8, lengthPointer.baseAddress, stampPointer.baseAddress)
                    }
                }
                guard got > 0 else { return }
                let fallback = realtimeNanoseconds()
                for message in 0..<Int(got) {
                    peer.arrived(UnsafeRawBufferPointer(start: slab + message * 2048, count: Int(lengths[message])),
                                 now: stamps[message] != 0 ? stamps[message] : fallback)
                }
                if got < 8 { return }
            }
        }
        while true {
            let now = monotonicNanoseconds()
            if now >= end { break }
            let due = Int((now - start) / 1_000_000)
            while tick <= due {
                let slot = tick % 20
                let sends = tick / 20 < packetsPerPeer
                for (index, peer) in peers.enumerated() where index % 20 == slot {
                    if sends { peer.sendNext() }
                    drain(peer)
                }
                tick += 1
            }
            // Until the next tick (absolute, so the period does not drift with the work done).
            let next = start + UInt64(tick) * 1_000_000
            var wake = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
            _ = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nil)
        }
        for peer in peers { drain(peer) }
        slab.deallocate()
        finished.lock()
        done = true
        finished.signal()
        finished.unlock()
    }
}
