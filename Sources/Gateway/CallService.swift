import B2BUA
import DTMF
import DialPlan
import Foundation
import Logging
import MediaRelay
import NIOCore
import Registrar
import SIPCore
import SIPStack
import SIPTrace
import SIPTransport
import Synchronization

/// The B2BUA in the running gateway (issue 6): thin I/O around one ``CallStateMachine`` per
/// call. INVITEs and in-dialog requests come here; REGISTER and out-of-dialog OPTIONS stay
/// with the ``RegistrarService`` (see ``user(fallback:)``).
///
/// Threading, without locks on the call path: each call lives on one event loop, the one the
/// stack gives its caller's Call-ID (a ``CallShard``). Outbound legs get Call-IDs that name
/// that shard (`gh<shard>-<process token>-<random>`) and that the stack handles on the same
/// loop, so a leg's responses and in-dialog requests arrive on the call's own thread. Media
/// ports are bound on the call's loop and every media operation is queued on the media thread
/// without a reply (CallContext+MediaPath.swift); DNS and CDR storage run off the loop.
@available(macOS 15.0, *)
public final class CallService: Sendable {
    /// Methods allowed inside a call (`Allow` of in-dialog OPTIONS and 405s).
    public static let allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, PRACK"
    /// How long a finished call's tombstone (or, while a leg still waits for its final
    /// response, the whole call) is kept to answer late requests and stray leg responses
    /// (64·T1, RFC 3261 §17.1.1.2 Timer B; CallContext+Tombstone.swift).
    static let linger = TimeAmount.seconds(32)

    let dialPlans: DialPlanStore
    let bindings: any BindingStore
    let registrar: RegistrarService
    let media: any MediaSessionControlling
    /// Follows a call's media events: the handler runs for each until it returns false (one task
    /// per call on the engine side; nil: no media events).
    let mediaEvents: MediaEventFollower?
    let sink: any CallRecordSink
    let hooks: Hooks
    let logger: Logger
    let shards: [CallShard]
    let resolver: RFC3263Resolver
    /// A per-process token in leg Call-IDs, so a foreign gateway's `gh…` Call-ID never matches.
    let token = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 36)
    /// `-token-` as it appears in our leg Call-IDs (``owner(of:)``).
    let tokenMarker: String
    /// The stack, set once by the composition root before the listeners are bound.
    let stackBox = Mutex<SIPStack?>(nil)
    /// Our Contact host:port per transport, set when the listeners are bound (read once per call).
    let contactAddresses = Mutex<[SIPTransportProtocol: String]>([:])
    /// Trunk servers given by name, resolved (RFC 3263) at start and every 5 minutes: address →
    /// trunk, so an INVITE from a carrier's server identifies the trunk (read once per INVITE).
    let trunkAddresses = Mutex<[String: String]>([:])
    /// Admission counts, the drain flag and live routing state (CallControl.swift).
    let control: CallControl
    /// The calls that ended last, with their timelines (`GET /calls/{id}` after the call is gone).
    let recentCalls = Mutex(RecentCalls(capacity: CallService.recentCallsKept))
    /// The SIP trace ring, to join each outbound leg's Call-ID to its call (set by the gateway).
    let traceBox = Mutex<CallTraceBuffer?>(nil)
    /// `media` when it is the real engine: the call path's operations without tasks.
    let engineSessions: MediaEngineSessions?
    /// Whether the dial plan of this version has SRTP anywhere (``planMayUseSRTP()``).
    let srtpInPlan = Mutex<(number: Int, srtp: Bool)>((-1, false))

    /// Creates the service over the gateway's event loops (the same group as the stack's).
    init(group: any EventLoopGroup, dialPlans: DialPlanStore, bindings: any BindingStore, registrar: RegistrarService,
         media: any MediaSessionControlling, mediaEvents: MediaEventFollower? = nil,
         sink: any CallRecordSink, hooks: Hooks = Hooks(),
         resolver: RFC3263Resolver = RFC3263Resolver(lookup: CachingDNSLookup(SystemDNSLookup())),
         limits: CallAdmission.Limits = CallAdmission.Limits(), logger: Logger) {
        control = CallControl(limits: limits)
        self.dialPlans = dialPlans
        self.bindings = bindings
        self.registrar = registrar
        self.media = media
        engineSessions = media as? MediaEngineSessions
        self.mediaEvents = mediaEvents
        self.sink = sink
        self.hooks = hooks
        self.resolver = resolver
        self.logger = logger
        shards = Array(group.makeIterator()).enumerated().map { CallShard(index: $0.offset, eventLoop: $0.element) }
        tokenMarker = "-\(token)-"
    }

    /// Gives the service its stack (once, before the listeners are bound).
    func attach(_ stack: SIPStack) { stackBox.withLock { $0 = stack } }

    var stack: SIPStack? { stackBox.withLock { $0 } }

    /// Records the bound listeners: our Contact and the Via sent-by name their real ports.
    func didStart(listeners: [SIPListener], fallbackHost: String) {
        var addresses: [SIPTransportProtocol: String] = [:]
        for listener in listeners where addresses[listener.transport] == nil {
            var host = listener.localAddress.ipAddress ?? fallbackHost
            if host == "0.0.0.0" || host == "::" { host = fallbackHost }
            if host.contains(":") { host = "[\(host)]" }
            addresses[listener.transport] = "\(host):\(listener.port)"
        }
        contactAddresses.withLock { $0 = addresses }
        stack?.setSentBy(addresses)
        Task { [weak self] in
            while !Task.isCancelled {
                do {
                    guard let service = self else { return }
                    await service.refreshTrunkAddresses()
                }
                try? await Task.sleep(for: .seconds(300))
            }
        }
    }

    /// Resolves the trunk servers that are names (RFC 3263) into ``trunkAddresses``.
    func refreshTrunkAddresses() async {
        var found: [String: String] = [:]
        for trunk in dialPlans.current.plan.trunks.values.sorted(by: { $0.name < $1.name }) where IPAddress(trunk.server) == nil {
            guard let host = try? SIPHost(parsing: trunk.server) else { continue }
            let uri = SIPURI(host: host, port: trunk.port.map { UInt16(clamping: $0) })
            for target in (try? await resolver.resolve(uri)) ?? [] where found[target.address] == nil {
                found[target.address] = trunk.name
            }
        }
        trunkAddresses.withLock { $0 = found }
    }

    /// The transaction user for the stack: INVITE, CANCEL, the ACK of our 2xx and every request
    /// with a To tag (in-dialog) come to calls; the rest goes to `fallback` (the registrar).
    public func user(fallback: SIPTransactionUser) -> SIPTransactionUser {
        SIPTransactionUser(
            request: { [self] transaction in
                let request = transaction.request
                if request.method == .invite || request.toTag != nil
                    || request.method == .bye || request.method == .info || request.method == .update {
                    receive(transaction)
                } else {
                    fallback.request(transaction)
                }
            },
            cancel: { [self] transaction in receiveCancel(transaction) },
            ack: { [self] inbound in
                // The ACK of our 2xx (or of a re-INVITE's 200): the stack stopped retransmitting.
                guard let callID = inbound.message.callID, let shard = owner(of: callID) else { return }
                // Inline on the shard's loop (where the stack delivers it): no closure allocated.
                guard shard.eventLoop.inEventLoop else {
                    return shard.eventLoop.execute { Self.receiveAck(inbound.message, callID: callID, on: shard) }
                }
                Self.receiveAck(inbound.message, callID: callID, on: shard)
            })
    }

    /// The caller's ACK for our 2xx, on the call's loop.
    static func receiveAck(_ ack: SIPMessage, callID: String, on shard: CallShard) {
        guard let call = shard.calls[callID], call.callID == callID else { return }
        call.receiveCallerAck(ack)
    }

    /// The shard that owns `callID`: the one named in a leg Call-ID of ours, else the loop
    /// we are on (the stack delivers a caller's Call-ID on its own loop).
    func owner(of callID: String) -> CallShard? {
        let prefix = "gh"
        if callID.hasPrefix(prefix), let dash = callID.firstIndex(of: "-"),
           let index = Int(callID[callID.index(callID.startIndex, offsetBy: prefix.count)..<dash]),
           shards.indices.contains(index), callID.dropFirst(prefix.count).contains(tokenMarker) {
            return shards[index]
        }
        return shards.first { $0.eventLoop.inEventLoop }
    }

    /// A new leg Call-ID owned by `shard`, and one the stack handles on the shard's own loop
    /// where it can (a counter after the random tag picks one among a few): the leg's
    /// requests, responses and in-dialog requests then stay on the call's thread.
    func makeLegCallID(on shard: CallShard) -> String {
        let base = "gh\(shard.index)-\(token)-\(SIPMessage.makeTag())"
        guard let stack else { return base + "@gatehouse" }
        for counter in 0..<Self.legCallIDTries {
            let callID = "\(base)\(counter)@gatehouse"
            if stack.handles(callID: callID, on: shard.eventLoop) { return callID }
        }
        return base + "@gatehouse"
    }

    /// Leg Call-IDs tried for one on the call's loop (each matches with 1/loops odds).
    static let legCallIDTries = 64

    func receive(_ transaction: SIPServerTransaction) {
        let request = transaction.request
        guard let callID = request.callID, let shard = owner(of: callID) else {
            try? transaction.respond(status: 400, reason: "Missing Call-ID")
            return
        }
        // Inline on the shard's loop (where the stack delivers it): no closure allocated.
        guard shard.eventLoop.inEventLoop else {
            return shard.eventLoop.execute { [self] in receive(transaction, callID: callID, on: shard) }
        }
        receive(transaction, callID: callID, on: shard)
    }

    /// A request for `callID` on its shard's loop: to the live call, the ended call's tombstone,
    /// or a new call.
    func receive(_ transaction: SIPServerTransaction, callID: String, on shard: CallShard) {
        let request = transaction.request
        if let call = shard.calls[callID] {
            if request.toTag != nil {
                call.receiveInDialog(transaction)
            } else {
                // Without a To tag on a live call's Call-ID: a merged INVITE or a loop (482), or
                // a new call the call table cannot hold (500); other methods 481 (CallIDReuse).
                call.receiveReusedCallID(transaction)
            }
        } else if let ended = shard.ended[callID], ended.receive(transaction) {
            // Answered by the ended call's tombstone; a new INVITE reusing its Call-ID goes on.
        } else if request.toTag != nil || request.method != .invite {
            try? transaction.respond(status: 481, toTag: SIPMessage.makeTag())
        } else {
            startCall(transaction, callID: callID, shard: shard)
        }
    }

    func receiveCancel(_ transaction: SIPServerTransaction) {
        guard let callID = transaction.request.callID, let shard = owner(of: callID) else { return }
        shard.run {
            if let call = shard.calls[callID] {
                call.receiveCallerCancel()
            } else if shard.ended[callID] != nil {
                // The call is over; the stack answered the CANCEL 200.
            } else {
                try? transaction.respond(status: 487)
            }
        }
    }

    /// Sends an INFO into one leg of an answered call, identified by the caller leg's Call-ID (the
    /// DTMF engine re-emitting a digit as `application/dtmf-relay` toward a door, RFC 6086).
    /// Runs on the call's loop; `completion` gets the far end's final status, or nil when no
    /// such answered call exists.
    public func sendInfo(callID: String, toward side: CallSide, contentType: String, body: [UInt8],
                         completion: @escaping @Sendable (Int?) -> Void = { _ in }) {
        // The caller's Call-ID hashes to a loop only the stack knows: ask every shard (one
        // dictionary lookup each); exactly one holds the call.
        let remaining = shards.count
        let misses = Mutex(0)
        for shard in shards {
            shard.run {
                if let call = shard.calls[callID], call.callID == callID {
                    call.sendInfo(toward: side, contentType: contentType, body: body, completion: completion)
                } else if misses.withLock({ $0 += 1; return $0 }) == remaining {
                    completion(nil)
                }
            }
        }
    }

    /// The number of calls in progress (not yet ended for the caller), across shards.
    public func activeCalls() async -> Int {
        var total = 0
        for shard in shards {
            total += (try? await shard.eventLoop.submit {
                Set(shard.calls.values.filter { !$0.finished }.map { ObjectIdentifier($0) }).count
            }.get()) ?? 0
        }
        return total
    }
}

/// Follows the media events of the call with the given Call-ID: the handler runs for each event
/// (off the call's loop) until it returns false.
typealias MediaEventFollower = @Sendable (String, @escaping @Sendable (CallMediaEvent) -> Bool) -> Void

/// A media event the call reacts to (kept apart from MediaRelay's enum so the B2BUA glue
/// does not depend on the engine's types).
public enum CallMediaEvent: Sendable, Equatable {
    /// No RTP from a leg within the media timeout.
    case timeout
    /// A digit reported by the media path (RFC 4733 or in-band) on a media leg (`a` the caller).
    case dtmf(MediaLeg, DTMFEvent)
}

/// The calls owned by one event loop. Every property is touched on `eventLoop` only.
final class CallShard: @unchecked Sendable {
    let index: Int
    let eventLoop: any EventLoop
    /// The loop's timers (the calls' timers, the linger after a call ends).
    let timerWheel: EventLoopTimerWheel
    /// Calls by every Call-ID they use: the caller's and each outbound leg's.
    var calls: [String: CallContext] = [:]
    /// Finished calls' tombstones by the same Call-IDs, for ``CallService/linger``
    /// (CallContext+Tombstone.swift).
    var ended: [String: EndedCall] = [:]

    init(index: Int, eventLoop: any EventLoop) {
        self.index = index
        self.eventLoop = eventLoop
        self.timerWheel = EventLoopTimerWheel.shared(for: eventLoop)
    }

    /// Runs `body` on the shard's loop: inline when already there, else queued (FIFO).
    func run(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }
}

@available(macOS 15.0, *)
extension CallService {
    /// The service as `gatehouse run` builds it: the media engine on the configured media
    /// address and port range, RFC 3263 resolution with a cache, records to the log.
    static func make(group: any EventLoopGroup, configuration: GatewayConfiguration, dialPlans: DialPlanStore,
                     store: any BindingStore, registrar: RegistrarService, sink: (any CallRecordSink)? = nil,
                     hooks: Hooks = Hooks(), logger: Logger) throws -> CallService {
        let engine = try MediaEngine(group: group, configuration: mediaEngineConfiguration(configuration))
        let sessions = MediaEngineSessions(engine: engine, address: configuration.mediaAddress, logger: logger)
        let recordLogger = logger
        let sink = sink ?? LoggingCallRecordSink { record in
            recordLogger.debug("call record", metadata: ["callID": "\(record.callID)", "summary": "\(record.summary)"])
        }
        return CallService(group: group, dialPlans: dialPlans, bindings: store, registrar: registrar, media: sessions,
                           mediaEvents: { sessions.follow(callID: $0, $1) }, sink: sink, hooks: hooks,
                           resolver: RFC3263Resolver(lookup: CachingDNSLookup(SystemDNSLookup())),
                           limits: configuration.callLimits, logger: logger)
    }

    /// The media engine's settings from the service configuration's `media:` section.
    static func mediaEngineConfiguration(_ configuration: GatewayConfiguration) -> MediaEngine.Configuration {
        .init(
            bindHost: configuration.mediaAddress, portRange: configuration.mediaPorts,
            mediaTimeout: TimeAmount(configuration.mediaTimeout), wakeupCoalescing: TimeAmount(configuration.mediaWakeupCoalescing),
            socketPoolLimit: configuration.mediaSocketPool, portQuarantine: TimeAmount(configuration.mediaPortQuarantine))
    }
}
