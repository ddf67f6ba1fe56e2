import CMediaSocket
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// The media engine's own event loop: one thread, one `epoll` set of RTP/RTCP sockets read
/// with `recvmmsg` and written with `sendmmsg`, straight from and into preallocated slabs.
///
/// Why not a NIO channel per socket: on this machine NIO's datagram pipeline (an `NIOAny` box
/// per read and write, the pending-writes manager, a second `recvmmsg` that only returns
/// EAGAIN) cost more CPU per relayed packet than everything the kernel does for it, and made
/// the relay 1.4–1.8× rtpengine's CPU per packet. Here a relayed packet costs one receive and
/// one send syscall share, a copy of ~200 octets each way, and no allocation or reference
/// counting on the same-codec path.
///
/// It still is a NIO `EventLoop`: sessions' control calls (`submit`), `NIOLoopBound` state and
/// scheduled tasks work as on any loop, so the per-call state lives on exactly one thread.
public final class MediaIOLoop: EventLoop, @unchecked Sendable {
    struct Timer {
        var id: UInt64
        var deadline: UInt64
        var task: () -> Void
        /// Run instead of `task` when the loop stops first (fails the scheduled promise).
        var abandon: () -> Void
    }

    /// Control state shared with other threads (behind `lock`).
    struct Shared {
        var tasks: [() -> Void] = []
        var timers: [Timer] = []
        var nextTimerID: UInt64 = 1
        var stopping = false
        var sleeping = false
        /// The thread has left its loop: tasks now run on their callers (``runLate(_:)``).
        var exited = false
        /// ``stopAndWait()`` callers to resume when the thread has exited.
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let lock = NIOLock()
    var shared = Shared()
    let owner = Atomic<UInt>(0)
    let kernelThreadID = Atomic<Int32>(0)
    let epollFD: Int32
    let wakeFD: Int32
    let tickInterval: UInt64
    let timeoutCheckInterval: UInt64
    /// `MediaEngine.Configuration.wakeupCoalescing` in nanoseconds.
    let coalescing: UInt64
    /// `coalescing` in whole milliseconds (at least 1): how long epoll waits while ``polling``.
    let pollMilliseconds: Int32
    /// The last pass ran queued tasks (only with `coalescing`): until a pass finds none, the loop
    /// looks at its queue every `pollMilliseconds` by itself and callers queue without
    /// signalling the eventfd, so a steady stream of control calls (call setup at hundreds of
    /// calls per second) costs one timed wake-up per window instead of a `write` by the caller
    /// and a wake-up per operation. Loop thread only.
    var polling = false
    /// Eventfd signals sent by callers queueing work (tests check that busy periods need few).
    let wakeSignals = Atomic<Int>(0)
    let name: String
    /// Held by the thread while it winds down, then by whichever caller runs a late task: after
    /// the exit the loop is a serial executor driven by its callers (sockets all closed), so a
    /// future completed on it still resolves instead of waiting for a thread that is gone.
    let lateLock = NIOLock()
    /// Tasks queued by a late task (only touched by the holder of `lateLock`).
    var lateTasks: [() -> Void] = []

    // Loop-thread-only state (the socket table, the cores, the I/O slabs): MediaIOLoop+Sockets.
    var registrations: [Registration?] = []
    var freeSlots: [Int] = []
    var cores: [ObjectIdentifier: RelayCore] = [:]
    var nextTick: UInt64 = 0
    /// Parked sockets adopted by the tasks being run, drained together after them
    /// (MediaIOLoop+Parking `drainAdopted`).
    var pendingDrains: [(slot: Int, fd: Int32)] = []
    var drainPoll: [pollfd] = []
    var nextTimeoutCheck: UInt64 = 0
    let io: IOSlabs
    /// Reused for every received datagram: cleared, filled, processed in place, never shared.
    var scratch: ByteBuffer
    /// The engine's ports and parked sockets (MediaIOLoop+Parking); nil: released sockets are
    /// closed and no port is accounted (a loop made by a test).
    let ports: NIOLockedValueBox<MediaPortPool>?
    /// This loop's index in its engine (its parking queues).
    let index: Int

    init(name: String, tickInterval: TimeAmount, timeoutCheckInterval: TimeAmount, batch: Int,
         coalescing: TimeAmount = .zero, ports: NIOLockedValueBox<MediaPortPool>? = nil, index: Int = 0) throws(MediaRelayError) {
        let epollFD = cmedia_epoll_create()
        let wakeFD = cmedia_eventfd()
        guard epollFD >= 0, wakeFD >= 0, cmedia_epoll_add(epollFD, wakeFD, Self.wakeToken) == 0 else {
            if epollFD >= 0 { Glibc.close(epollFD) }
            if wakeFD >= 0 { Glibc.close(wakeFD) }
            throw .ioLoopFailed
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        self.name = name
        self.tickInterval = UInt64(max(1, tickInterval.nanoseconds))
        self.timeoutCheckInterval = UInt64(max(1, timeoutCheckInterval.nanoseconds))
        self.coalescing = UInt64(max(0, coalescing.nanoseconds))
        self.pollMilliseconds = Int32(clamping: max(1, (self.coalescing + 999_999) / 1_000_000))
        self.io = IOSlabs(batch: batch)
        self.ports = ports
        self.index = index
        self.scratch = ByteBufferAllocator().buffer(capacity: IOSlabs.slotSize)
    }

    deinit {
        // Closed only here: a late `enqueue` may still signal the eventfd after the thread left.
        Glibc.close(epollFD)
        Glibc.close(wakeFD)
    }

    /// Starts the loop's thread.
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            let loop = Unmanaged<MediaIOLoop>.fromOpaque(raw).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        if result == 0 {
            // Nobody joins: `stopAndWait()` waits for the exit instead; the stack goes with the thread.
            pthread_detach(handle)
        } else {
            Unmanaged<MediaIOLoop>.fromOpaque(context).release()
        }
    }

    /// The loop thread's kernel id (for per-thread CPU accounting); 0 before it started.
    public var threadID: Int32 { kernelThreadID.load(ordering: .acquiring) }

    // MARK: EventLoop

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool {
        owner.load(ordering: .relaxed) == Self.currentThread
    }

    /// Runs `task` on the loop thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        enqueue(task)
    }

    /// Runs `task` at `deadline` on the loop thread.
    public func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = addTimer(deadline: deadline.uptimeNanoseconds, abandon: { promise.fail(EventLoopError.shutdown) }) {
            do { promise.assumeIsolatedUnsafeUnchecked().succeed(try task()) } catch { promise.fail(error) }
        }
        return Scheduled(promise: promise, cancellationTask: { [self] in
            if removeTimer(id) { promise.fail(EventLoopError.cancelled) }
        })
    }

    /// Runs `task` after `delay` on the loop thread.
    public func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    /// Traps unless called on the loop thread.
    public func preconditionInEventLoop(file: StaticString, line: UInt) {
        precondition(inEventLoop, "not on the media loop \(name)", file: file, line: line)
    }

    /// Traps when called on the loop thread.
    public func preconditionNotInEventLoop(file: StaticString, line: UInt) {
        precondition(!inEventLoop, "on the media loop \(name)", file: file, line: line)
    }

    /// Stops the loop (closing every socket still registered), then calls back on `queue`.
    public func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        stop()
        queue.async { callback(nil) }
    }

    // MARK: Tasks and timers

    static let wakeToken: UInt64 = .max

    func enqueue(_ task: @escaping () -> Void) {
        let (wake, late) = lock.withLock { () -> (Bool, Bool) in
            if shared.exited { return (false, true) }
            shared.tasks.append(task)
            // One signal per sleep: the tasks queued until the loop wakes ride on it.
            let wake = shared.sleeping
            shared.sleeping = false
            return (wake, false)
        }
        if late { runLate(task) }
        if wake { signal() }
    }

    /// Wakes the loop thread from its `epoll_wait`.
    private func signal() {
        wakeSignals.add(1, ordering: .relaxed)
        cmedia_eventfd_signal(wakeFD)
    }

    /// Runs a task posted after the thread exited on the calling thread, one caller at a time,
    /// with `inEventLoop` true for it (so loop-bound state stays single-threaded).
    private func runLate(_ task: @escaping () -> Void) {
        if inEventLoop {
            lateTasks.append(task)
            return
        }
        lateLock.withLock {
            owner.store(Self.currentThread, ordering: .releasing)
            lateTasks.append(task)
            while !lateTasks.isEmpty { lateTasks.removeFirst()() }
            drainAdopted()
            owner.store(0, ordering: .releasing)
        }
    }

    static var currentThread: UInt { UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))) }

    func addTimer(deadline: UInt64, abandon: @escaping () -> Void, _ task: @escaping () -> Void) -> UInt64 {
        let (id, wake, late) = lock.withLock { () -> (UInt64, Bool, Bool) in
            let id = shared.nextTimerID
            shared.nextTimerID += 1
            if shared.exited { return (id, false, true) }
            shared.timers.append(Timer(id: id, deadline: deadline, task: task, abandon: abandon))
            let wake = shared.sleeping
            shared.sleeping = false
            return (id, wake, false)
        }
        if late { runLate(abandon) }
        if wake { signal() }
        return id
    }

    func removeTimer(_ id: UInt64) -> Bool {
        lock.withLock {
            guard let index = shared.timers.firstIndex(where: { $0.id == id }) else { return false }
            shared.timers.remove(at: index)
            return true
        }
    }

    /// Asks the loop to end; it runs the tasks already queued, closes its sessions and sockets
    /// and exits.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { shared.stopping = true }
            return !shared.stopping
        }
        if first { cmedia_eventfd_signal(wakeFD) }
    }

    /// ``stop()``, then waits until the thread has closed everything and left its loop.
    func stopAndWait() async {
        stop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = lock.withLock { () -> Bool in
                if shared.exited { return true }
                shared.exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: The loop

    private func run() {
        owner.store(Self.currentThread, ordering: .releasing)
        kernelThreadID.store(cmedia_gettid(), ordering: .releasing)
        cmedia_set_thread_name(String(name.prefix(15)))
        var now = NIODeadline.now().uptimeNanoseconds
        nextTick = now + tickInterval
        nextTimeoutCheck = now + timeoutCheckInterval
        var tokens = [UInt64](repeating: 0, count: 256)
        var lastBusyWake: UInt64 = 0
        while true {
            // Tasks and timers due: run them outside the lock.
            let (tasks, timers, stopping, timeout) = takeWork(now: now)
            if stopping {
                windDown()
                return
            }
            for task in tasks { task() }
            for timer in timers { timer.task() }
            if !tasks.isEmpty || !timers.isEmpty {
                drainAdopted()
                flushOutput()
            }

            let count = tokens.withUnsafeMutableBufferPointer { cmedia_epoll_wait(epollFD, $0.baseAddress, 256, timeout) }
            // Tasks posted while we polled run before the packets that woke us: a configure the
            // call posted before its 200 OK must meet the first packet that 200 OK brought.
            var posted: [() -> Void] = []
            lock.withLock {
                shared.sleeping = false
                if count > 0, !shared.stopping, !shared.tasks.isEmpty { swap(&posted, &shared.tasks) }
            }
            for task in posted { task() }
            drainAdopted()
            polling = coalescing > 0 && (!tasks.isEmpty || !posted.isEmpty)
            now = NIODeadline.now().uptimeNanoseconds
            if count > 0 {
                tokens.withUnsafeBufferPointer { readReady(UnsafeBufferPointer(rebasing: $0[0..<Int(count)]), now: now) }
                flushOutput()
                // Packets arrive faster than the coalescing window: let a few gather first.
                if coalescing > 0 {
                    if now &- lastBusyWake < coalescing { Self.sleep(nanoseconds: coalescing) }
                    lastBusyWake = now
                }
            }
            if now >= nextTick {
                tick(now: now)
                flushOutput()
            }
        }
    }

    /// The end of the thread: the tasks queued before the stop run, every session is closed
    /// (its event stream finishes), then late tasks run on their callers.
    private func windDown() {
        let waiters = lateLock.withLock { () -> [CheckedContinuation<Void, Never>] in
            let (tasks, timers) = lock.withLock { () -> ([() -> Void], [Timer]) in
                shared.exited = true
                var tasks: [() -> Void] = []
                swap(&tasks, &shared.tasks)
                var timers: [Timer] = []
                swap(&timers, &shared.timers)
                return (tasks, timers)
            }
            for task in tasks { task() }
            for timer in timers { timer.abandon() }
            while !lateTasks.isEmpty { lateTasks.removeFirst()() }
            drainAdopted()
            flushOutput()
            closeEverything()
            owner.store(0, ordering: .releasing)
            return lock.withLock {
                defer { shared.exitWaiters.removeAll() }
                return shared.exitWaiters
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    private static func sleep(nanoseconds: UInt64) {
        var time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = nanosleep(&time, nil)
    }

    /// Due tasks and timers, and how long epoll may sleep (ms) until the next deadline.
    private func takeWork(now: UInt64) -> ([() -> Void], [Timer], Bool, Int32) {
        lock.withLock {
            if shared.stopping { return ([], [], true, 0) }  // windDown() takes the queued tasks.
            // Swap, not copy-and-clear: clearing a shared buffer would allocate a new one on
            // every wake-up.
            var tasks: [() -> Void] = []
            if !shared.tasks.isEmpty { swap(&tasks, &shared.tasks) }
            var due: [Timer] = []
            var earliest = nextTick
            if !shared.timers.isEmpty {
                var index = 0
                while index < shared.timers.count {
                    if shared.timers[index].deadline <= now {
                        due.append(shared.timers.remove(at: index))
                    } else {
                        earliest = min(earliest, shared.timers[index].deadline)
                        index += 1
                    }
                }
            }
            let wait: Int32
            if !tasks.isEmpty || !due.isEmpty {
                wait = 0  // New tasks may be posted by these; look again right after polling.
            } else if polling {
                // Callers do not signal (`sleeping` stays false): look again within the window.
                wait = earliest <= now ? 0 : min(pollMilliseconds, Int32(min(1000, (earliest - now + 999_999) / 1_000_000)))
            } else {
                wait = earliest <= now ? 0 : Int32(min(1000, (earliest - now + 999_999) / 1_000_000))
                shared.sleeping = wait > 0
            }
            return (tasks, due, false, wait)
        }
    }
}
