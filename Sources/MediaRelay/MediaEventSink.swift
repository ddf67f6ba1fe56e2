import Synchronization

/// Where a session's ``MediaEvent``s go: its `events` stream, or, once a handler is set
/// (``MediaSession/onEvents(_:)``), straight to that handler on the media loop thread, so a
/// caller that reacts to a few events per call needs no task reading the stream.
final class MediaEventSink: Sendable {
    private let continuation: AsyncStream<MediaEvent>.Continuation
    private let handler = Mutex<(@Sendable (MediaEvent) -> Void)?>(nil)

    init(_ continuation: AsyncStream<MediaEvent>.Continuation) {
        self.continuation = continuation
    }

    /// Delivers `event` to the handler when one is set, else to the stream.
    func yield(_ event: MediaEvent) {
        if let handler = handler.withLock({ $0 }) {
            handler(event)
        } else {
            continuation.yield(event)
        }
    }

    /// Ends the stream and drops the handler (the session is closed).
    func finish() {
        handler.withLock { $0 = nil }
        continuation.finish()
    }

    /// Drops the handler (the session is being released) on the calling thread: later events
    /// go to the stream, which finishes at the release.
    func dropHandler() {
        let dropped = handler.withLock { handler in
            defer { handler = nil }
            return handler
        }
        _ = dropped  // released here, outside the lock
    }

    /// Sends later events to `handler` instead of the stream (any thread).
    func setHandler(_ handler: @escaping @Sendable (MediaEvent) -> Void) {
        self.handler.withLock { $0 = handler }
    }
}
