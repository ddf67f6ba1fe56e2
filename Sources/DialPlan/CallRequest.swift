import Foundation

/// What the routing function is asked: who calls, from where, what they dialled, and when.
public struct CallRequest: Sendable {
    /// The authenticated caller. `unknown` callers never reach a trunk.
    public enum Caller: Sendable, Equatable {
        case endpoint(String)
        case trunk(String)
        case unknown
    }

    public var caller: Caller
    public var source: IPAddress?
    /// The Request-URI user as received.
    public var calledNumber: String
    /// The caller's number as presented (From/PAI user) for calls from trunks.
    public var callerNumber: String?
    public var time: Date

    public init(caller: Caller, source: IPAddress? = nil, calledNumber: String, callerNumber: String? = nil, time: Date) {
        self.caller = caller
        self.source = source
        self.calledNumber = calledNumber
        self.callerNumber = callerNumber
        self.time = time
    }
}

/// Presence and trunk health at the moment of routing: the registrar and the OPTIONS prober fill it.
public struct NetworkState: Sendable {
    /// Endpoints with no registration.
    public var offline: Set<String>
    /// Trunks marked down by probing.
    public var trunksDown: Set<String>

    /// Calls in progress per endpoint or trunk (not counting the one being routed); at its
    /// `limit` an endpoint counts as busy and a trunk as answering 503.
    public var activeCalls: [String: Int]

    public init(offline: Set<String> = [], trunksDown: Set<String> = [], activeCalls: [String: Int] = [:]) {
        self.offline = offline
        self.trunksDown = trunksDown
        self.activeCalls = activeCalls
    }
}
