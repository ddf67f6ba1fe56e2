import CMediaSocket
import Foundation
import MediaRelay
import NIOCore
import SecureRTP

/// One fake phone: a plain non-blocking UDP socket that sends 20 ms packets to its relay port
/// and records when each packet of the other phone arrived. Owned by one generator thread.
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
    /// Monotonic send time of each packet (index = packet number).
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
        guard fd >= 0 else { throw MediaRelayError.ioLoopFailed }
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

    func sendNext(now: UInt64) {
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
        sendTimes.append(now)
        var length = UInt32(packet.readableBytes)
        packet.withUnsafeReadableBytes { bytes in
            _ = cmedia_send_batch(fd, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), 2048, 1, &length, &target)
        }
    }

    func arrived(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        // Count RTP only: transcoded legs also get the engine's own RTCP (packet types 200–206).
        guard bytes.count >= 12, !(200...206).contains(bytes[1]) else { return }
        if let source, received < source.sendTimes.count {
            latencies.append(now &- source.sendTimes[received])
        }
        received += 1
    }
}

/// A generator thread: every millisecond it sends for the peers whose 20 ms slot has come (a
/// late wake-up catches up, so the rate holds on a busy machine) and reads whatever arrived,
/// with raw sockets and epoll so it costs a fraction of what it measures.
final class Generator: @unchecked Sendable {
    let peers: [Peer]
    let packetsPerPeer: Int
    let epollFD = cmedia_epoll_create()
    private let finished = NSCondition()
    private var done = false

    init(peers: [Peer], packetsPerPeer: Int) {
        self.peers = peers
        self.packetsPerPeer = packetsPerPeer
        for (index, peer) in peers.enumerated() { _ = cmedia_epoll_add(epollFD, peer.fd, UInt64(index)) }
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
        let start = NIODeadline.now().uptimeNanoseconds
        let end = start + UInt64(packetsPerPeer * 20 + lingerMilliseconds) * 1_000_000
        var tick = 0
        var tokens = [UInt64](repeating: 0, count: 256)
        let slab = UnsafeMutableRawPointer.allocate(byteCount: 8 * 2048, alignment: 16)
        var lengths = [UInt32](repeating: 0, count: 8)
        var addresses = [sockaddr_storage](repeating: sockaddr_storage(), count: 8)
        while true {
            var now = NIODeadline.now().uptimeNanoseconds
            if now >= end { break }
            let due = Int((now - start) / 1_000_000)
            while tick <= due, tick / 20 < packetsPerPeer {
                let slot = tick % 20
                for (index, peer) in peers.enumerated() where index % 20 == slot { peer.sendNext(now: now) }
                tick += 1
            }
            let count = tokens.withUnsafeMutableBufferPointer { cmedia_epoll_wait(epollFD, $0.baseAddress, 256, 1) }
            now = NIODeadline.now().uptimeNanoseconds
            for index in 0..<Int(max(0, count)) {
                let peer = peers[Int(tokens[index])]
                let got = lengths.withUnsafeMutableBufferPointer { lengthPointer in
                    addresses.withUnsafeMutableBufferPointer { addressPointer in
                        cmedia_recv_batch(peer.fd, slab.assumingMemoryBound(to: UInt8.self), 2048, 8, lengthPointer.baseAddress, addressPointer.baseAddress)
                    }
                }
                for message in 0..<Int(max(0, got)) {
                    peer.arrived(UnsafeRawBufferPointer(start: slab + message * 2048, count: Int(lengths[message])), now: now)
                }
            }
        }
        slab.deallocate()
        finished.lock()
        done = true
        finished.signal()
        finished.unlock()
    }
}
