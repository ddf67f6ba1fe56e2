import Foundation
import SIPCore

/// RFC 4028 session timers, terminated per leg: the gateway negotiates the interval with each
/// leg on its own and keeps each leg alive itself (issue 6), so a carrier's 90 s timer does not
/// depend on a softphone's behaviour. Pure: negotiation from the SIP fields, and deadlines from
/// times passed in; the call layer sends the refresh (re-INVITE or UPDATE) or the BYE.
public struct SessionTimer: Sendable, Hashable {
    /// The gateway's own preferences.
    public struct Settings: Sendable, Hashable {
        /// The interval we ask for (RFC 4028 §4 recommends 1800 s).
        public var sessionExpires: UInt32
        /// The smallest interval we accept (§5: at least 90 s).
        public var minSE: UInt32

        /// 1800 s asked, 90 s accepted.
        public init(sessionExpires: UInt32 = 1800, minSE: UInt32 = 90) {
            self.minSE = max(Self.absoluteMinimum, minSE)
            self.sessionExpires = max(self.minSE, sessionExpires)
        }

        /// §5: "the Min-SE ... MUST NOT be less than 90 seconds".
        public static let absoluteMinimum: UInt32 = 90
    }

    /// What to do with an INVITE (or UPDATE) received on a leg where we are the UAS.
    public enum Offer: Sendable, Hashable {
        /// §8.1.1: the interval is below our minimum: answer 422 with `Min-SE`.
        case reject(minSE: UInt32)
        /// Accept; put `headers` in the 2xx. `timer` is nil when no session timer runs.
        case accept(timer: SessionTimer?, headers: [(HeaderName, String)])

        public static func == (a: Offer, b: Offer) -> Bool {
            switch (a, b) {
            case (.reject(let x), .reject(let y)): x == y
            case (.accept(let t1, let h1), .accept(let t2, let h2)):
                t1 == t2 && h1.map { "\($0.0.description):\($0.1)" } == h2.map { "\($0.0.description):\($0.1)" }
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .reject(let minSE): hasher.combine(minSE)
            case .accept(let timer, let headers):
                hasher.combine(timer)
                for (name, value) in headers { hasher.combine(name.description); hasher.combine(value) }
            }
        }
    }

    /// What the call layer should do next on this leg.
    public enum Action: Sendable, Hashable {
        /// Send a session refresh (re-INVITE or UPDATE with the session unchanged) at `at`.
        case refresh(at: Date)
        /// The session expires at `at` without a refresh: end the call (BYE) then (§10).
        case expire(at: Date)
    }

    /// The negotiated interval in seconds.
    public var interval: UInt32
    /// True when this gateway is the refresher on this leg.
    public var weRefresh: Bool
    /// When the session was last refreshed (or established).
    public var refreshedAt: Date

    /// A running timer.
    public init(interval: UInt32, weRefresh: Bool, refreshedAt: Date) {
        self.interval = interval
        self.weRefresh = weRefresh
        self.refreshedAt = refreshedAt
    }

    /// The next deadline: the refresher refreshes at half the interval (§10: "one half the
    /// session interval is RECOMMENDED"); the other side ends the session when it has seen no
    /// refresh by the interval minus min(32, interval/3) (§10).
    public var nextAction: Action {
        if weRefresh { return .refresh(at: refreshedAt + Double(interval) / 2) }
        let margin = min(32, Double(interval) / 3)
        return .expire(at: refreshedAt + Double(interval) - margin)
    }

    /// A refresh succeeded (sent by either side) at `now`.
    public mutating func refreshed(at now: Date) {
        refreshedAt = now
    }

    // MARK: - UAS side (§9)

    /// Decides on a session-refresh request received as UAS: `sessionExpires` and `minSE` from
    /// the request, `supportsTimer` when its Supported lists `timer`. We become the refresher
    /// unless the UAC named itself (§9: the UAS honours a `refresher` in the request; when the
    /// UAC does not support timers only the UAS can refresh).
    public static func answer(sessionExpires: SessionExpires?, minSE: UInt32?, supportsTimer: Bool,
                              settings: Settings, now: Date) -> Offer {
        guard let requested = sessionExpires else {
            // §9: no Session-Expires in the request: we may still run one, as refresher, if the
            // UAC supports timers (it then learns it from our 2xx); else no timer.
            guard supportsTimer else { return .accept(timer: nil, headers: []) }
            let interval = max(settings.sessionExpires, minSE ?? 0)
            return accepted(interval: interval, refresher: .uas, requireTimer: true, now: now)
        }
        // §8.1.1 / §9: too brief for us.
        if requested.seconds < settings.minSE { return .reject(minSE: settings.minSE) }
        let refresher: SessionExpires.Refresher
        if !supportsTimer {
            refresher = .uas
        } else {
            refresher = requested.refresher ?? .uas
        }
        return accepted(interval: requested.seconds, refresher: refresher, requireTimer: supportsTimer, now: now)
    }

    static func accepted(interval: UInt32, refresher: SessionExpires.Refresher, requireTimer: Bool, now: Date) -> Offer {
        var headers: [(HeaderName, String)] = [(.sessionExpires, "\(interval);refresher=\(refresher.rawValue)")]
        // §9: Require: timer only when the UAC said it supports it.
        if requireTimer { headers.append((.require, OptionTags.timer)) }
        return .accept(timer: SessionTimer(interval: interval, weRefresh: refresher == .uas, refreshedAt: now),
                       headers: headers)
    }

    // MARK: - UAC side (§7)

    /// The fields of an INVITE we send (§7.1): Supported: timer, our interval with us as
    /// refresher, and Min-SE. `atLeast` is the Min-SE of a 422 we got for a previous attempt
    /// (§7.4: retry with a Session-Expires at least that).
    public static func requestHeaders(settings: Settings, atLeast: UInt32? = nil) -> [(HeaderName, String)] {
        let floor = max(settings.minSE, atLeast ?? 0)
        let interval = max(settings.sessionExpires, floor)
        return [(.supported, OptionTags.timer),
                (.sessionExpires, "\(interval);refresher=uac"),
                (.minSE, "\(floor)")]
    }

    /// The timer from a 2xx to our request (§7.2): the response's Session-Expires decides the
    /// interval and the refresher. Without one the UAS does not do timers: we still refresh
    /// ourselves at our own interval when `unilateral` is set (the gateway keeps each leg alive
    /// itself), else there is no timer.
    public static func fromResponse(sessionExpires: SessionExpires?, settings: Settings, unilateral: Bool = true,
                                    now: Date) -> SessionTimer? {
        guard let answered = sessionExpires else {
            return unilateral ? SessionTimer(interval: settings.sessionExpires, weRefresh: true, refreshedAt: now) : nil
        }
        // §7.2: a 2xx without refresher means the UAC refreshes.
        let weRefresh = (answered.refresher ?? .uac) == .uac
        return SessionTimer(interval: max(Settings.absoluteMinimum, answered.seconds), weRefresh: weRefresh, refreshedAt: now)
    }
}
