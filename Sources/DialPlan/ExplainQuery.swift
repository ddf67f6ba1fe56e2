import Foundation

/// A `route explain` question in the operator's words: names and `name=outcome` pairs as typed.
public struct ExplainQuery: Sendable {
    /// An endpoint name, a trunk name, or a source address (matched against `auth.source`).
    public var from: String
    public var to: String
    public var callerNumber: String?
    /// Endpoints without registration, or trunks marked down.
    public var offline: [String]
    /// `alice=no_answer`, `carrier=503`.
    public var outcomes: [String]
    /// `2026-11-22T18:00` in the plan's time zone; nil means now.
    public var at: String?

    public init(from: String, to: String, callerNumber: String? = nil, offline: [String] = [],
                outcomes: [String] = [], at: String? = nil) {
        self.from = from
        self.to = to
        self.callerNumber = callerNumber
        self.offline = offline
        self.outcomes = outcomes
        self.at = at
    }
}

/// A question `route explain` cannot ask of this plan, with the fix.
public struct ExplainQueryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension DialPlan {
    /// Answers `query` against this plan; `now` is used when the query gives no time.
    public func explain(_ query: ExplainQuery, now: Date = Date()) throws(ExplainQueryError) -> RouteExplanation {
        let names = Array(endpoints.keys) + Array(trunks.keys)
        func known(_ name: String, what: String) throws(ExplainQueryError) {
            guard endpoints[name] == nil, trunks[name] == nil else { return }
            let hint = OperatorInputHint.suggestion(for: name, among: names.sorted())
            throw ExplainQueryError(message: "\(what) '\(name)' is neither an endpoint nor a trunk of \(file) (\(hint))")
        }
        var caller = CallRequest.Caller.unknown
        var source: IPAddress?
        if let address = IPAddress(query.from) {
            source = address
            if let endpoint = endpoint(forSource: address) { caller = .endpoint(endpoint.name) }
        } else {
            try known(query.from, what: "caller")
            caller = endpoints[query.from] != nil ? .endpoint(query.from) : .trunk(query.from)
            if case .endpoint(let name) = caller, case .source(let networks)? = endpoints[name]?.authentication {
                source = networks.first?.address
            }
        }
        var state = NetworkState()
        for name in query.offline {
            try known(name, what: "--offline")
            if trunks[name] != nil { state.trunksDown.insert(name) } else { state.offline.insert(name) }
        }
        var outcomes: [String: Outcome] = [:]
        for pair in query.outcomes {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ExplainQueryError(message: "--outcome '\(pair)' must be NAME=OUTCOME, e.g. alice=no_answer or carrier=503")
            }
            try known(parts[0], what: "--outcome")
            guard let outcome = Outcome(parts[1]) else {
                throw ExplainQueryError(message: "--outcome '\(pair)': '\(parts[1])' is not an outcome (use answered, \(Outcome.vocabulary.joined(separator: ", ")))")
            }
            outcomes[parts[0]] = outcome
        }
        var time = now
        if let at = query.at {
            guard let parsed = localTime(at) else {
                throw ExplainQueryError(message: "--at '\(at)' must look like 2026-11-22T18:00 (read in \(timeZone.identifier))")
            }
            time = parsed
        }
        let call = CallRequest(caller: caller, source: source, calledNumber: query.to, callerNumber: query.callerNumber, time: time)
        return explain(call, state: state, outcomes: outcomes)
    }
}

import OperatorInput

/// Suggestions for names typed on the command line.
enum OperatorInputHint {
    static func suggestion(for name: String, among names: [String]) -> String {
        NodeReader.suggestion(for: name, among: names, what: "names")
    }
}
