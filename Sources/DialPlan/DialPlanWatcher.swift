import Foundation

/// Reloads a `DialPlanStore` when its file changes (polling size and modification time, which
/// works on every file system and through editors that replace the file) and on SIGHUP.
@available(macOS 15.0, *)
public struct DialPlanWatcher: Sendable {
    /// What identifies one state of the file.
    public struct Stamp: Sendable, Equatable {
        public var modified: Date?
        public var size: Int?
        public var inode: Int?
    }

    public let store: DialPlanStore
    public let interval: Duration

    public init(store: DialPlanStore, interval: Duration = .seconds(2)) {
        self.store = store
        self.interval = interval
    }

    /// The file's current stamp; all nil when it cannot be read (being replaced, deleted).
    public func stamp() -> Stamp {
        let attributes = try? FileManager.default.attributesOfItem(atPath: store.path)
        return Stamp(modified: attributes?[.modificationDate] as? Date,
                     size: (attributes?[.size] as? NSNumber)?.intValue,
                     inode: (attributes?[.systemFileNumber] as? NSNumber)?.intValue)
    }

    /// Polls until the task is cancelled, calling `report` with each reload the file caused.
    public func run(report: @Sendable (DialPlanStore.ReloadOutcome) -> Void) async {
        var last = stamp()
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let now = stamp()
            // A missing file (mid-replace) is not a change: wait for it to come back.
            guard now != last, now.modified != nil else { continue }
            last = now
            report(store.reload())
        }
    }

    /// Calls `handler` on every SIGHUP until the returned hook is cancelled. The service wires this
    /// to `store.reload()`; SIGHUP's default action (terminate) is replaced by this handler.
    public static func onHangup(_ handler: @escaping @Sendable () -> Void) -> SignalHook {
        SignalHook(signal: SIGHUP, handler: handler)
    }
}

/// A Unix signal delivered to a handler on a dispatch queue instead of its default action.
// Unchecked: the only state is a dispatch source, set once in init; Dispatch documents
// `cancel()` as safe to call from any thread.
public final class SignalHook: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    /// Ignores `number`'s default action and calls `handler` on a queue of its own for each one.
    public init(signal number: Int32, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "gatehouse.signal.\(number)"))
        source.setEventHandler(handler: handler)
        source.resume()
        self.source = source
    }

    /// Stops delivering; the signal stays ignored.
    public func cancel() { source.cancel() }

    deinit { source.cancel() }
}
