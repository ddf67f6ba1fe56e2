import CMediaSocket
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The endpoints (bound sockets and their slots) a core's legs hold on its loop.
struct CoreEndpoints {
    var a: PooledEndpoint?
    var b: PooledEndpoint?

    subscript(leg: MediaLeg) -> PooledEndpoint? {
        get { leg == .a ? a : b }
        set { if leg == .a { a = newValue } else { b = newValue } }
    }
}

/// The socket lifecycle of a session's legs on the loop thread: a released leg's sockets are
/// parked (still bound, still in the epoll set, their datagrams discarded) in the engine's
/// ``MediaPortPool`` and adopted by a later session, instead of `close` + `socket` + `bind` +
/// two `epoll_ctl` per socket and call. A parked socket is drained when its old session lets go
/// (the epoll set keeps reporting it, ``readable(slot:now:)`` discards) and again when a new
/// session adopts it, on this thread, before the new core is attached: a datagram that reached
/// the socket before the adoption never reaches the new session. The new session's core is new:
/// no latch, SSRC, sequence or SRTP state survives.
extension MediaIOLoop {
    /// Registers `endpoint`'s sockets for `leg` of `core` (loop thread): a freshly bound one is
    /// added to the epoll set, a parked one drained and re-pointed at `core`. The endpoint with
    /// its slots, or nil when it cannot be used: its sockets are then closed and its port is
    /// back in the pool.
    func attach(_ endpoint: PooledEndpoint, core: RelayCore, leg: MediaLeg) -> PooledEndpoint? {
        var endpoint = endpoint
        if endpoint.isRegistered {
            guard adopt(slot: endpoint.rtpSlot, fd: endpoint.rtp, core: core, leg: leg, isRTCPPort: false),
                  endpoint.isMuxed || adopt(slot: endpoint.rtcpSlot, fd: endpoint.rtcp, core: core, leg: leg, isRTCPPort: true)
            else {
                // Only after the loop closed everything (shutdown): the sockets are gone already.
                releasePort(endpoint.port)
                return nil
            }
            return endpoint
        }
        guard let rtpSlot = register(fd: endpoint.rtp, core: core, leg: leg, isRTCPPort: false) else {
            close(endpoint)
            return nil
        }
        endpoint.rtpSlot = rtpSlot
        if !endpoint.isMuxed {
            guard let rtcpSlot = register(fd: endpoint.rtcp, core: core, leg: leg, isRTCPPort: true) else {
                close(endpoint)
                return nil
            }
            endpoint.rtcpSlot = rtcpSlot
        }
        return endpoint
    }

    /// Points the parked socket in `slot` at `core`; what waits on it is discarded by
    /// ``drainAdopted()``, which the adopting task calls before it ends (the loop also calls it
    /// after every batch of tasks). False when the slot no longer holds that parked socket.
    private func adopt(slot: Int, fd: Int32, core: RelayCore, leg: MediaLeg, isRTCPPort: Bool) -> Bool {
        guard slot < registrations.count, let registration = registrations[slot], registration.fd == fd,
              registration.core == nil
        else { return false }
        pendingDrains.append((slot, fd))
        registrations[slot] = Registration(fd: fd, core: .passUnretained(core), leg: leg, isRTCPPort: isRTCPPort)
        return true
    }

    /// Discards the datagrams waiting on the sockets adopted since the last call (loop thread,
    /// at the end of the task that adopted them, before anything after it can run): one `poll`
    /// for a session's sockets and a drain only of those holding something, instead of a
    /// `recvmmsg` per socket (four per call) that almost always finds nothing.
    func drainAdopted() {
        guard !pendingDrains.isEmpty else { return }
        defer { pendingDrains.removeAll(keepingCapacity: true) }
        drainPoll.removeAll(keepingCapacity: true)
        for (slot, fd) in pendingDrains where slot < registrations.count && registrations[slot]?.fd == fd {
            drainPoll.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        guard !drainPoll.isEmpty else { return }
        let ready = drainPoll.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), 0) }
        guard ready != 0 else { return }
        // On a failed poll drain every one of them, as before.
        for entry in drainPoll where ready < 0 || entry.revents != 0 { _ = cmedia_drain(entry.fd) }
    }

    /// A leg's endpoint is done with (loop thread): parked when it is registered here and the
    /// pool has room, else closed and its port given back (the pool's oldest parked endpoint
    /// of this loop is closed instead when the limit is reached).
    func retire(_ endpoint: PooledEndpoint) {
        guard endpoint.isRegistered, let ports else { return close(endpoint) }
        detach(slot: endpoint.rtpSlot)
        detach(slot: endpoint.rtcpSlot)
        var parked = endpoint
        parked.parkedAt = NIODeadline.now().uptimeNanoseconds
        if let evicted = ports.withLockedValue({ $0.park(parked, loop: index) }) { close(evicted) }
    }

    private func detach(slot: Int) {
        if slot >= 0, slot < registrations.count { registrations[slot]?.core = nil }
    }

    /// Removes `endpoint`'s sockets from the epoll set and the table, closes them and gives
    /// the port back (loop thread).
    func close(_ endpoint: PooledEndpoint) {
        close(fd: endpoint.rtp, slot: endpoint.rtpSlot)
        close(fd: endpoint.rtcp, slot: endpoint.rtcpSlot)
        releasePort(endpoint.port)
    }

    private func close(fd: Int32, slot: Int) {
        guard fd >= 0 else { return }
        if slot >= 0, slot < registrations.count, registrations[slot]?.fd == fd {
            registrations[slot] = nil
            freeSlots.append(slot)
        }
        // Closing the last descriptor of a socket also takes it out of the epoll set.
        Glibc.close(fd)
    }

    private func releasePort(_ port: Int) {
        ports?.withLockedValue { $0.release(port) }
    }
}
