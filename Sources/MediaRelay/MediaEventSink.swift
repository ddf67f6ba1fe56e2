import Synchronization

/// Where a session's ``MediaEvent``s go: its `events` stream, or, once a handler is set
/// (``MediaSession/onEvents(_:)``), straight to that handler on the media loop thread, so a
/// caller that reacts to a few events per call needs no task reading the stream.
///
/// The stream is made on the first read of ``stream`` (a caller with a handler, such as the
/// gateway, never reads it: no stream per call); events raised before that are kept and
/// delivered to it first, in order, and a sink finished before that gives a stream that
/// delivers them and then finishes, as an `AsyncStream` made up front would have.
final class MediaEventSink: Sendable {
    private struct State {
        var handler: (@Sendable (MediaEvent) -> Void)?
        var continuation: AsyncStream<MediaEvent>.Continuation?
        var stream: AsyncStream<MediaEvent>?
        /// Events raised while there was neither a handler nor a stream.
        var pending: [MediaEvent] = []
        var finished = false
    }

    private let state: Mutex<State>

    /// A sink whose stream is made when first read.
    init() {
        state = Mutex(State())
    }

    /// A sink feeding `continuation` (a stream the caller made and reads).
    init(_ continuation: AsyncStream<MediaEvent>.Continuation) {
        state = Mutex(State(continuation: continuation))
    }

    /// The session's event stream (the same one on every read); made on the first read.
    var stream: AsyncStream<MediaEvent> {
        state.withLock { state in
            if let stream = state.stream { return stream }
            let (stream, continuation) = AsyncStream<MediaEvent>.makeStream()
            if state.continuation != nil {
                // Fed to a stream made outside (a test's core): this one only ends.
                continuation.finish()
                return stream
            }
            for event in state.pending { continuation.yield(event) }
            state.pending = []
            if state.finished { continuation.finish() } else { state.continuation = continuation }
            state.stream = stream
            return stream
        }
    }

    /// Delivers `event` to the handler when one is set, else to the stream (kept for it when
    /// none was read yet).
    func yield(_ event: MediaEvent) {
        let handler = state.withLock { state -> (@Sendable (MediaEvent) -> Void)? in
            if let handler = state.handler { return handler }
            guard !state.finished else { return nil }
            if let continuation = state.continuation { continuation.yield(event) } else { state.pending.append(event) }
            return nil
        }
        handler?(event)
    }

    /// Ends the stream and drops the handler (the session is closed).
    func finish() {
        let (handler, continuation) = state.withLock { state in
            defer {
                state.finished = true
                state.handler = nil
                state.continuation = nil
            }
            return (state.handler, state.continuation)
        }
        continuation?.finish()
        _ = handler  // released here, outside the lock
    }

    /// Drops the handler (the session is being released) on the calling thread: later events
    /// go to the stream, which finishes at the release.
    func dropHandler() {
        let dropped = state.withLock { state in
            defer { state.handler = nil }
            return state.handler
        }
        _ = dropped  // released here, outside the lock
    }

    /// Sends later events to `handler` instead of the stream (any thread).
    func setHandler(_ handler: @escaping @Sendable (MediaEvent) -> Void) {
        state.withLock { $0.handler = handler }
    }
}
