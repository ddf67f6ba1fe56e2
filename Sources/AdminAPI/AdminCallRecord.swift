import Foundation

/// One call detail record (`GET /cdrs`, `gatehouse cdrs`): a finished call, one in progress, or
/// one a crash interrupted.
public struct AdminCallRecord: Codable, Sendable, Equatable {
    /// One outbound leg of the call.
    public struct Leg: Codable, Sendable, Equatable {
        /// The endpoint or trunk name.
        public var target: String
        /// `200`, `480`, `no_answer`, `offline` …
        public var outcome: String
        /// The final SIP status, when one was received.
        public var status: Int?

        public init(target: String, outcome: String, status: Int?) {
            self.target = target
            self.outcome = outcome
            self.status = status
        }
    }

    /// The record's identity in the store.
    public var id: Int64
    /// The caller leg's Call-ID.
    public var callID: String
    public var caller: String
    public var called: String
    public var route: String?
    /// `answered`, `abandoned`, `failed`, `in_progress`, `interrupted`.
    public var outcome: String
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    /// `caller`, `callee` or `gateway`.
    public var endedBy: String?
    /// The final status the caller got.
    public var status: Int?
    /// The Q.850 cause of the end.
    public var q850Cause: Int?
    /// Seconds from answer to end.
    public var billableSeconds: Double
    public var callerCodec: String?
    public var calleeCodec: String?
    public var legs: [Leg]

    public init(id: Int64, callID: String, caller: String, called: String, route: String?, outcome: String, startedAt: Date,
                answeredAt: Date?, endedAt: Date?, endedBy: String?, status: Int?, q850Cause: Int?, billableSeconds: Double,
                callerCodec: String?, calleeCodec: String?, legs: [Leg]) {
        self.id = id
        self.callID = callID
        self.caller = caller
        self.called = called
        self.route = route
        self.outcome = outcome
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.endedBy = endedBy
        self.status = status
        self.q850Cause = q850Cause
        self.billableSeconds = billableSeconds
        self.callerCodec = callerCodec
        self.calleeCodec = calleeCodec
        self.legs = legs
    }
}

/// The filters of `GET /cdrs`, from its query string: `from` and `until` (ISO 8601 or Unix
/// seconds; calls started in `[from, until)`), `caller`, `called`, `outcome`, `limit`.
public struct AdminCallRecordQuery: Sendable, Equatable {
    /// Named limit: the largest `limit` accepted.
    public static let maximumLimit = 1000
    /// The `limit` when none is given.
    public static let defaultLimit = 100

    public var from: Date?
    public var until: Date?
    public var caller: String?
    public var called: String?
    public var outcome: String?
    public var limit: Int

    public init(from: Date? = nil, until: Date? = nil, caller: String? = nil, called: String? = nil,
                outcome: String? = nil, limit: Int = defaultLimit) {
        self.from = from
        self.until = until
        self.caller = caller
        self.called = called
        self.outcome = outcome
        self.limit = limit
    }

    /// Parses the query parameters; an unknown parameter or a bad value is an ``AdminRequestError``.
    public init(parameters: [(name: String, value: String)]) throws(AdminRequestError) {
        self.init()
        for (name, value) in parameters {
            switch name {
            case "from": from = try Self.time(value, name)
            case "until": until = try Self.time(value, name)
            case "caller": caller = value
            case "called": called = value
            case "outcome": outcome = value
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw AdminRequestError("limit must be a number from 1 to \(Self.maximumLimit), not '\(value)'")
                }
                limit = number
            case "format": break
            default: throw AdminRequestError("unknown parameter '\(name)' (from, until, caller, called, outcome, limit, format)")
            }
        }
    }

    /// The query string the CLI sends (`?` included, empty when there is no condition).
    public var queryString: String {
        var items: [URLQueryItem] = []
        let formatter = ISO8601DateFormatter()
        if let from { items.append(URLQueryItem(name: "from", value: formatter.string(from: from))) }
        if let until { items.append(URLQueryItem(name: "until", value: formatter.string(from: until))) }
        if let caller { items.append(URLQueryItem(name: "caller", value: caller)) }
        if let called { items.append(URLQueryItem(name: "called", value: called)) }
        if let outcome { items.append(URLQueryItem(name: "outcome", value: outcome)) }
        if limit != Self.defaultLimit { items.append(URLQueryItem(name: "limit", value: "\(limit)")) }
        guard !items.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = items
        // `+` would read as a space on the server (HTML form decoding): encode it.
        return "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }

    /// ISO 8601 (`2026-11-22T07:00:00Z`) or Unix seconds.
    public static func time(_ text: String, _ name: String = "time") throws(AdminRequestError) -> Date {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        throw AdminRequestError("\(name) must be ISO 8601 (2026-11-22T07:00:00Z) or Unix seconds, not '\(text)'")
    }
}

/// A request the admin API refuses with 400, with the reason.
public struct AdminRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
