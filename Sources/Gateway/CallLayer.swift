import AdminAPI
import Synchronization

/// What the gateway asks of the call layer when it shuts down (issue 9: "SIGTERM drains").
///
/// `CallDrainService` calls ``stopAcceptingCalls(retryAfter:)`` first (new INVITEs get
/// 503 with Retry-After, RFC 3261 §21.5.4), polls ``callsInProgress()`` until it is zero or the
/// drain time is up, then calls ``endAllCalls()`` (BYE on both legs). The SIP listeners stop only
/// after this returns, so the BYEs still go out.
public protocol CallDrainer: Sendable {
    /// From now on, refuse new calls; `retryAfter` is the Retry-After to send.
    func stopAcceptingCalls(retryAfter: Duration) async
    /// The calls still in progress.
    func callsInProgress() async -> Int
    /// Ends every remaining call cleanly and returns when they are ended.
    func endAllCalls() async
}

/// Where the admin API finds calls. The call layer implements it; until one is attached the
/// gateway has no calls, and the API says so (an empty list, 404 for an id).
public protocol CallDirectory: Sendable {
    /// The calls in progress.
    func calls() async -> [AdminCall]
    /// One call (in progress or recently ended), by id or any leg's Call-ID.
    func call(id: String) async -> AdminCall?
}

/// The call layer as the gateway sees it: listed by the admin API, drained on shutdown.
public typealias CallLayer = CallDirectory & CallDrainer

/// The slot the call layer plugs into after the gateway is built (`GatewayService.attach(calls:)`).
@available(macOS 15.0, *)
final class CallLayerSlot: Sendable {
    private let layer = Mutex<(any CallLayer)?>(nil)

    var current: (any CallLayer)? { layer.withLock { $0 } }

    func attach(_ calls: any CallLayer) { layer.withLock { $0 = calls } }
}
