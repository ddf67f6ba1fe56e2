/// How an attempt ended, as `next_on` lists name it.
public enum Outcome: Sendable, Hashable, Codable, CustomStringConvertible {
    case answered
    /// The endpoint has no registration (or the address-authenticated device is unknown).
    case offline
    /// The ring timeout expired.
    case noAnswer
    /// 486 Busy Here / 600 Busy Everywhere.
    case busy
    /// 603 Decline.
    case declined
    /// One final status.
    case status(Int)
    /// A status class: 4 for 4xx, 5 for 5xx, 6 for 6xx.
    case statusClass(Int)
    /// Connection refused, reset, ICMP unreachable, TLS failure.
    case transport
    /// RFC 3263 resolution found no usable target.
    case dns
    /// The trunk is marked down by OPTIONS probing.
    case trunkDown

    /// Parses `offline`, `no_answer`, `busy`, `declined`, `408`, `5xx`, `transport`, `dns`, `trunk_down`.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "answered": self = .answered
        case "offline": self = .offline
        case "no_answer": self = .noAnswer
        case "busy": self = .busy
        case "declined": self = .declined
        case "transport": self = .transport
        case "dns": self = .dns
        case "trunk_down": self = .trunkDown
        case "4xx": self = .statusClass(4)
        case "5xx": self = .statusClass(5)
        case "6xx": self = .statusClass(6)
        default:
            guard let code = Int(text), (300...699).contains(code) else { return nil }
            self = .status(code)
        }
    }

    /// The words `next_on` accepts, for errors and the schema.
    public static let vocabulary = ["offline", "no_answer", "busy", "declined", "4xx", "5xx", "6xx",
                                    "transport", "dns", "trunk_down", "<status 300-699>"]

    public var description: String {
        switch self {
        case .answered: "answered"
        case .offline: "offline"
        case .noAnswer: "no_answer"
        case .busy: "busy"
        case .declined: "declined"
        case .status(let code): String(code)
        case .statusClass(let digit): "\(digit)xx"
        case .transport: "transport"
        case .dns: "dns"
        case .trunkDown: "trunk_down"
        }
    }

    /// Failover defaults (INTEROP.md): move on when unreachable, unanswered, 408/480/5xx, transport
    /// or DNS failure, trunk down; stop on 404, 484, 486, 603. Busy and decline are a per-route choice.
    public static let defaultNextOn: [Outcome] = [.offline, .noAnswer, .status(408), .status(480), .statusClass(5),
                                                  .transport, .dns, .trunkDown]

    /// True when this `next_on` entry covers an actual `outcome` (`5xx` covers 503; `busy` covers 486).
    public func covers(_ outcome: Outcome) -> Bool {
        if self == outcome { return true }
        switch (self, outcome) {
        case (.statusClass(let digit), .status(let code)): return code / 100 == digit
        case (.busy, .status(let code)): return code == 486 || code == 600
        case (.declined, .status(let code)): return code == 603
        case (.status(let code), .busy): return code == 486
        case (.status(let code), .declined): return code == 603
        case (.status(let code), .noAnswer): return code == 408 || code == 480
        case (.statusClass(let digit), .busy), (.statusClass(let digit), .declined): return digit == 4 || digit == 6
        default: return false
        }
    }

    /// The final status the caller gets when this outcome ends the call (RFC 3261 §21).
    public var finalStatus: Int {
        switch self {
        case .answered: 200
        case .offline: 480
        case .noAnswer: 480
        case .busy: 486
        case .declined: 603
        case .status(let code): code
        case .statusClass(let digit): digit * 100
        case .transport, .dns, .trunkDown: 503
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Outcome(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown outcome \(text)"))
        }
        self = value
    }
}
