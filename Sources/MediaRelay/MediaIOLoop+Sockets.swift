import CMediaSocket
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The receive and send slabs of one loop, allocated once: `gather` receive slots of
/// `slotSize` octets (every datagram of one wake-up, from all ready sockets, before any is
/// processed: ``MediaIOLoop/readReady(_:count:now:)``) with their lengths, addresses and
/// sockets, and `CMEDIA_MAX_BATCH` send slots.
final class IOSlabs {
    /// Largest datagram relayed (a video packet is at most an Ethernet MTU); longer ones are
    /// dropped as truncated.
    static let slotSize = 2048
    /// Named limit: datagrams gathered from the ready sockets before they are processed (a
    /// wake-up with more processes them in rounds of this many).
    static let gather = 128
    /// Datagrams one `recvmmsg` asks for.
    let batch: Int
    let receive: UnsafeMutableRawPointer
    let receiveLengths: UnsafeMutablePointer<UInt32>
    let receiveAddresses: UnsafeMutablePointer<sockaddr_storage>
    /// Per gathered datagram: the registration slot it came in on, that registration's socket
    /// and core at the time (checked again before it is processed).
    let receiveSlots: UnsafeMutablePointer<Int>
    let receiveSockets: UnsafeMutablePointer<Int32>
    let receiveCores: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Datagrams gathered so far in this round.
    var receiveCount = 0
    let send: UnsafeMutableRawPointer
    let sendLengths: UnsafeMutablePointer<UInt32>
    let sendAddresses: UnsafeMutablePointer<sockaddr_storage>
    let sendSockets: UnsafeMutablePointer<Int32>
    var sendCount = 0

    init(batch: Int) {
        let batch = min(max(1, batch), Int(CMEDIA_MAX_BATCH))
        self.batch = batch
        let gather = max(batch, Self.gather)
        receive = .allocate(byteCount: gather * Self.slotSize, alignment: 16)
        receiveLengths = .allocate(capacity: gather)
        receiveAddresses = .allocate(capacity: gather)
        receiveSlots = .allocate(capacity: gather)
        receiveSockets = .allocate(capacity: gather)
        receiveCores = .allocate(capacity: gather)
        send = .allocate(byteCount: Int(CMEDIA_MAX_BATCH) * Self.slotSize, alignment: 16)
        sendLengths = .allocate(capacity: Int(CMEDIA_MAX_BATCH))
        sendAddresses = .allocate(capacity: Int(CMEDIA_MAX_BATCH))
        sendSockets = .allocate(capacity: Int(CMEDIA_MAX_BATCH))
    }

    /// Receive slots in all.
    var receiveCapacity: Int { max(batch, Self.gather) }

    deinit {
        receive.deallocate()
        receiveLengths.deallocate()
        receiveAddresses.deallocate()
        receiveSlots.deallocate()
        receiveSockets.deallocate()
        receiveCores.deallocate()
        send.deallocate()
        sendLengths.deallocate()
        sendAddresses.deallocate()
        sendSockets.deallocate()
    }
}

extension MediaIOLoop {
    /// One socket in the epoll set and whom its datagrams go to.
    struct Registration {
        var fd: Int32
        /// Kept alive by `cores` for as long as it is registered (`unregister(core:)` drops
        /// both); unmanaged so reading a datagram costs no reference counting. Nil while the
        /// socket is parked (MediaIOLoop+Parking): what arrives is discarded. (Not
        /// `unowned(unsafe) var core: RelayCore?`: Swift 6.3 miscompiles that field inside an
        /// `Optional<Registration>`, a nil core then reads as a nil registration.)
        var core: Unmanaged<RelayCore>?
        var leg: MediaLeg
        var isRTCPPort: Bool
    }

    /// Binds a UDP socket to `address` (any thread); the descriptor, or nil when the port is taken.
    static func bindSocket(_ address: SocketAddress) -> Int32? {
        let fd = address.withSockAddr { pointer, length in
            cmedia_bind_udp(pointer, socklen_t(length), 1 << 20)
        }
        return fd >= 0 ? fd : nil
    }

    /// Adds `fd` to the epoll set, edge-triggered, delivering its datagrams to `core` (loop
    /// thread); its slot, or nil when epoll refused it. Edge-triggered: a level-triggered socket
    /// is polled twice per packet (once when reported, once more on the next wait to find it
    /// empty); ``readable(slot:now:)`` reads until the queue is empty instead.
    func register(fd: Int32, core: RelayCore, leg: MediaLeg, isRTCPPort: Bool) -> Int? {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = registrations.count
            registrations.append(nil)
        }
        guard cmedia_epoll_add_edge(epollFD, fd, UInt64(slot)) == 0 else {
            freeSlots.append(slot)
            return nil
        }
        registrations[slot] = Registration(fd: fd, core: .passUnretained(core), leg: leg, isRTCPPort: isRTCPPort)
        return slot
    }

    /// Parks (or closes) every endpoint of `core` and forgets the core (loop thread).
    func unregister(core: RelayCore) {
        let endpoints = core.endpoints
        core.endpoints = CoreEndpoints()
        for leg in MediaLeg.allCases {
            if let endpoint = endpoints[leg] { retire(endpoint) }
        }
        cores[ObjectIdentifier(core)] = nil
    }

    /// Starts ticking `core` (timeouts, transcoder deadlines); also what keeps it alive while
    /// its sockets are registered.
    func add(core: RelayCore) {
        cores[ObjectIdentifier(core)] = core
    }

    /// Handles the sockets one `epoll_wait` reported (`tokens[0..<count]`): first every ready
    /// socket's datagrams are read (``readable(slot:now:)``), then all of them are processed
    /// (``processGathered(now:)``), so a wake-up's system calls run back to back and its codec
    /// work runs back to back (their code and tables stay in the caches instead of evicting each
    /// other per packet).
    func readReady(_ tokens: UnsafeBufferPointer<UInt64>, now: UInt64) {
        for token in tokens {
            if token == Self.wakeToken {
                cmedia_eventfd_drain(wakeFD)
            } else {
                readable(slot: Int(truncatingIfNeeded: token), now: now)
            }
        }
        processGathered(now: now)
    }

    /// Reads everything waiting on the socket in `slot` (edge-triggered: nothing is reported
    /// again until a new datagram arrives) into the gather slab; a full slab is processed first.
    func readable(slot: Int, now: UInt64) {
        guard slot < registrations.count, let registration = registrations[slot] else { return }
        guard let core = registration.core else {
            // A parked socket: whatever its old peer still sends is dropped here.
            _ = cmedia_drain(registration.fd)
            return
        }
        let io = self.io
        // Bounded: a peer flooding the socket cannot keep the loop here (what is left is read
        // with the next datagram's edge). An error (a pending ICMP error from a vanished peer)
        // is reported once and cleared: read on behind it.
        for _ in 0..<64 {
            if io.receiveCount == io.receiveCapacity {
                processGathered(now: now)
                // A datagram processed may have ended the session (its sockets parked or closed).
                if slot >= registrations.count || registrations[slot]?.core?.toOpaque() != core.toOpaque() { return }
            }
            let first = io.receiveCount
            let wanted = min(io.batch, io.receiveCapacity - first)
            let count = cmedia_recv_batch(
                registration.fd, (io.receive + first * IOSlabs.slotSize).assumingMemoryBound(to: UInt8.self), IOSlabs.slotSize,
                UInt32(wanted), io.receiveLengths + first, io.receiveAddresses + first)
            if count < 0 { continue }
            for index in first..<(first + Int(count)) {
                io.receiveSlots[index] = slot
                io.receiveSockets[index] = registration.fd
                io.receiveCores[index] = core.toOpaque()
            }
            io.receiveCount = first + Int(count)
            // Fewer than asked for: recvmmsg stopped at an empty queue.
            if count < wanted { return }
        }
    }

    /// Hands every gathered datagram to its core, in arrival order per socket; a datagram whose
    /// socket no longer belongs to the core it was read for (the session ended while earlier
    /// ones were processed) is dropped.
    func processGathered(now: UInt64) {
        let io = self.io
        let count = io.receiveCount
        io.receiveCount = 0
        for index in 0..<count {
            let slot = io.receiveSlots[index]
            let length = Int(io.receiveLengths[index])
            guard length > 0, slot < registrations.count, let registration = registrations[slot],
                  registration.fd == io.receiveSockets[index], let core = registration.core, core.toOpaque() == io.receiveCores[index],
                  let source = MediaAddress(storage: io.receiveAddresses + index) else { continue }
            scratch.clear()
            scratch.writeBytes(UnsafeRawBufferPointer(start: io.receive + index * IOSlabs.slotSize, count: length))
            core._withUnsafeGuaranteedRef {
                $0.receive(from: registration.leg, onRTCPPort: registration.isRTCPPort, packet: &scratch, source: source, now: now)
            }
        }
    }

    /// Queues `packet` for `fd` to `destination`; sent at the end of this read burst (one
    /// `sendmmsg` per run of packets to the same socket). False when it cannot be sent.
    @discardableResult
    func send(_ packet: ByteBuffer, on fd: Int32, to destination: MediaAddress) -> Bool {
        let length = packet.readableBytes
        guard fd >= 0, length <= IOSlabs.slotSize else { return false }
        if io.sendCount == Int(CMEDIA_MAX_BATCH) { flushOutput() }
        let index = io.sendCount
        packet.withUnsafeReadableBytes { bytes in
            (io.send + index * IOSlabs.slotSize).copyMemory(from: bytes.baseAddress!, byteCount: length)
        }
        io.sendLengths[index] = UInt32(length)
        destination.write(to: io.sendAddresses + index)
        io.sendSockets[index] = fd
        io.sendCount = index + 1
        return true
    }

    /// Sends everything queued, grouping runs to the same socket into one `sendmmsg`.
    func flushOutput() {
        let io = self.io
        var start = 0
        let total = io.sendCount
        while start < total {
            let fd = io.sendSockets[start]
            var end = start + 1
            while end < total, io.sendSockets[end] == fd { end += 1 }
            var offset = start
            while offset < end {
                let sent = cmedia_send_batch(
                    fd, (io.send + offset * IOSlabs.slotSize).assumingMemoryBound(to: UInt8.self), IOSlabs.slotSize,
                    UInt32(end - offset), io.sendLengths + offset, io.sendAddresses + offset)
                // A full socket buffer or an ICMP error from a vanished peer: drop the rest of
                // this run (RTP is loss tolerant; the media timeout ends dead calls).
                if sent <= 0 { break }
                offset += Int(sent)
            }
            start = end
        }
        io.sendCount = 0
    }

    /// The periodic work of every core: transcoder jitter-buffer deadlines each tick, media
    /// timeouts every `timeoutCheckInterval`.
    func tick(now: UInt64) {
        nextTick = now + tickInterval
        let checkTimeouts = now >= nextTimeoutCheck
        if checkTimeouts { nextTimeoutCheck = now + timeoutCheckInterval }
        for core in cores.values {
            core.pollTranscoders(now: now)
            if checkTimeouts { core.checkTimeouts(now: now) }
        }
    }

    /// On exit: closes every socket still open, parked ones included, and gives their ports back.
    func closeEverything() {
        // Nothing parks here any more: sessions closing from now on close their sockets.
        let parked = ports?.withLockedValue { $0.closeParking(loop: index) } ?? []
        // Each session closes its own sockets and finishes its event stream.
        for core in Array(cores.values) { core.closeAll() }
        for registration in registrations.compactMap({ $0 }) {
            Glibc.close(registration.fd)
        }
        registrations.removeAll()
        freeSlots.removeAll()
        cores.removeAll()
        if !parked.isEmpty { ports?.withLockedValue { pool in parked.forEach { pool.release($0.port) } } }
    }
}
