import B2BUA
import Foundation

/// Where call detail records live. The call layer writes a row marked in progress when a call
/// starts (``callStarted(_:)``) and completes it when the call ends (``callEnded(_:)``); at
/// start-up ``closeInterrupted(at:)`` closes the rows a crash left open. The admin API lists them
/// with ``records(matching:)``.
///
/// Implementations are synchronous and durable when they return: call them from a thread pool,
/// never from an event loop. An SQLite store ships; a PostgreSQL one can follow behind this protocol.
public protocol CallRecordStore: Sendable {
    /// Records that a call started (state in progress).
    func callStarted(_ start: CallStart) throws
    /// Records the finished call: completes its in-progress row, or adds the row when there is none.
    func callEnded(_ record: CallRecord) throws
    /// Records several finished calls at once (in one transaction where the store has them).
    func callsEnded(_ records: [CallRecord]) throws
    /// Applies `changes` in order (in one transaction where the store has them): the CDR writer's
    /// batch of call starts, ends and discarded starts.
    func apply(_ changes: [CallRecordChange]) throws
    /// Marks every row still in progress as interrupted, ended at `time`; returns how many.
    @discardableResult
    func closeInterrupted(at time: Date) throws -> Int
    /// Rows matching `filter`, newest first.
    func records(matching filter: CallRecordFilter) throws -> [StoredCallRecord]
}

extension CallRecordStore {
    /// One ``callEnded(_:)`` per record.
    public func callsEnded(_ records: [CallRecord]) throws {
        for record in records { try callEnded(record) }
    }

    /// One call per change; a discarded start is left alone (a store without a transaction
    /// cannot undo it: ``closeInterrupted(at:)`` closes it at the next start).
    public func apply(_ changes: [CallRecordChange]) throws {
        for change in changes {
            switch change {
            case .started(let start): try callStarted(start)
            case .ended(let record): try callEnded(record)
            case .discarded: break
            }
        }
    }
}

/// One write of the CDR writer.
public enum CallRecordChange: Sendable, Equatable {
    /// A call started: its row, in progress (closed as interrupted if the gateway stops without ending it).
    case started(CallStart)
    /// A call ended with its record: the row completed (or added).
    case ended(CallRecord)
    /// A started call ended without a record (refused before its state machine ran: no media
    /// ports, cancelled at once, session interval too brief): its in-progress row is removed.
    case discarded(callID: String)

    /// The caller leg's Call-ID.
    public var callID: String {
        switch self {
        case .started(let start): start.callID
        case .ended(let record): record.callID
        case .discarded(let callID): callID
        }
    }
}

/// What is known of a call when it starts.
public struct CallStart: Sendable, Equatable {
    /// The caller leg's Call-ID.
    public var callID: String
    /// The caller as the dial plan named it.
    public var caller: String
    /// The number dialled.
    public var called: String
    /// The route that decided, if one did.
    public var route: String?
    /// When the caller's INVITE was taken.
    public var started: Date

    /// Creates a start record.
    public init(callID: String, caller: String, called: String, route: String? = nil, started: Date) {
        self.callID = callID
        self.caller = caller
        self.called = called
        self.route = route
        self.started = started
    }
}

/// How a call turned out, for filtering.
public enum CallOutcome: String, Sendable, Equatable, CaseIterable {
    /// Still going (or the gateway has not started since it crashed).
    case inProgress = "in_progress"
    /// A leg answered.
    case answered
    /// The caller hung up before any leg answered.
    case abandoned
    /// Not answered and ended by the callee side or the gateway (busy, no answer, every attempt failed).
    case failed
    /// Open when the gateway stopped without ending it (crash, kill -9).
    case interrupted

    /// The outcome of a finished record.
    public init(_ record: CallRecord) {
        if record.answered != nil { self = .answered } else if record.endedBy == .caller { self = .abandoned } else { self = .failed }
    }
}

/// Which records to list. Every condition given must hold.
public struct CallRecordFilter: Sendable, Equatable {
    /// Named limit: at most this many rows per query.
    public static let maximumLimit = 1000

    /// Calls started at or after this time.
    public var from: Date?
    /// Calls started before this time.
    public var until: Date?
    /// The caller's name, exactly.
    public var caller: String?
    /// The called number, exactly.
    public var called: String?
    /// The outcome.
    public var outcome: CallOutcome?
    /// Rows returned at most (capped at ``maximumLimit``).
    public var limit: Int

    /// Creates a filter; with no condition it lists the newest `limit` calls.
    public init(from: Date? = nil, until: Date? = nil, caller: String? = nil, called: String? = nil,
                outcome: CallOutcome? = nil, limit: Int = 100) {
        self.from = from
        self.until = until
        self.caller = caller
        self.called = called
        self.outcome = outcome
        self.limit = limit
    }
}
