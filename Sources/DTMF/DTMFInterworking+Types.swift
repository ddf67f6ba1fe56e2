import NIOCore

extension DTMFInterworking {
    /// One side of the call: the interworking's own leg names, so this module needs nothing of
    /// the media engine or the B2BUA (the call layer maps them to its legs).
    public enum Leg: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case a, b

        /// The leg digits from this one are relayed to.
        public var other: Leg { self == .a ? .b : .a }

        public var description: String { self == .a ? "a" : "b" }
    }

    /// One leg's DTMF settings: the endpoint profile from the dial plan plus what the leg's
    /// offer/answer negotiated.
    public struct LegConfiguration: Hashable, Sendable {
        /// The party on the leg, for logs and the CDR (`front-door`, `alice`, `+46701234567`).
        public var name: String
        /// The dial-plan mode.
        public var mode: DTMFMode
        /// Whether the leg's SDP negotiated telephone-event.
        public var telephoneEventNegotiated: Bool
        /// Whether the endpoint profile lets `auto` use SIP INFO when no telephone-event was
        /// negotiated (the issue's `auto` rule: RFC 4733, else INFO if allowed, else in-band).
        public var infoAllowed: Bool
        /// The INFO body type the endpoint takes.
        public var infoContentType: DTMFInfoContentType
        /// Smallest duration sent to the endpoint (INFO Duration, RFC 4733 and tone length).
        public var minimumDurationMilliseconds: Int
        /// Pause between two INFO digits (after the previous INFO's final response).
        public var gap: TimeAmount

        /// Settings; the defaults are the door-station values of INTEROP.md.
        public init(name: String, mode: DTMFMode, telephoneEventNegotiated: Bool, infoAllowed: Bool = false,
                    infoContentType: DTMFInfoContentType = .dtmfRelay,
                    minimumDurationMilliseconds: Int = DTMFInfoBody.defaultMinimumDurationMilliseconds,
                    gap: TimeAmount = .milliseconds(400)) {
            self.name = name
            self.mode = mode
            self.telephoneEventNegotiated = telephoneEventNegotiated
            self.infoAllowed = infoAllowed
            self.infoContentType = infoContentType
            self.minimumDurationMilliseconds = max(0, minimumDurationMilliseconds)
            self.gap = gap
        }

        /// How digits are sent to this leg, before any INFO refusal.
        public var sendMethod: DTMFMethod {
            mode.resolve(peerOfferedTelephoneEvent: telephoneEventNegotiated, infoAllowed: infoAllowed || mode == .info)
        }

        /// Whether this leg's received audio runs through the in-band detector.
        public var detectsInBand: Bool { mode.detectsInBand(peerOfferedTelephoneEvent: telephoneEventNegotiated) }
    }

    /// A digit sequence from the answering party on a door call (the dial plan's
    /// `on_dtmf_from_callee`), matched with `DigitSequenceMatcher`.
    public struct DoorRule: Hashable, Sendable {
        /// What the gateway does with the party's digits.
        public enum Relay: Hashable, Sendable {
            /// Every digit goes to the door as it arrives (the door checks its own code); the
            /// match only records the opening.
            case everyDigit
            /// The party's digits stay at the gateway; on a match the sequence is sent to the
            /// door (a PIN checked here, the door's own code sent in its pacing).
            case sequenceOnMatch
        }

        /// The door's leg; the party is the other one.
        public var door: Leg
        /// The digits to match (`1`, `#1`, `1234#`).
        public var sequence: [DTMFDigit]
        /// The dial plan's effect name (`open_door`).
        public var effect: String
        /// Whether digits are relayed as they come or only the matched sequence.
        public var relay: Relay
        /// Longest pause between two digits of one entry.
        public var interDigitTimeout: TimeAmount

        /// A rule.
        public init(door: Leg, sequence: [DTMFDigit], effect: String = "open_door", relay: Relay = .everyDigit,
                    interDigitTimeout: TimeAmount = .seconds(5)) {
            self.door = door
            self.sequence = sequence
            self.effect = effect
            self.relay = relay
            self.interDigitTimeout = interDigitTimeout
        }
    }

    /// What the media engine must do on a leg: derived from both legs' settings, emitted as
    /// `Action.configureMedia` whenever a leg is (re)configured.
    public struct MediaDirective: Hashable, Sendable {
        /// Telephone-events received on this leg are reported and *not* forwarded by the media
        /// path to the other leg (the interworking re-sends the digit itself).
        public var swallowsTelephoneEvents: Bool
        /// Run the in-band detector on this leg's decoded audio.
        public var detectsInBand: Bool
        /// Strip detected tones from this leg's audio before it reaches the other leg (the
        /// digit is regenerated there as an event or INFO, INTEROP.md).
        public var removesInBandTones: Bool

        /// A directive.
        public init(swallowsTelephoneEvents: Bool, detectsInBand: Bool, removesInBandTones: Bool) {
            self.swallowsTelephoneEvents = swallowsTelephoneEvents
            self.detectsInBand = detectsInBand
            self.removesInBandTones = removesInBandTones
        }
    }

    /// The machine's only timer: the pause between INFO digits on a leg.
    public enum Timer: Hashable, Sendable {
        /// Call `timerFired(.infoGap(leg), at:)` when it expires.
        case infoGap(Leg)
    }

    /// A door rule matched.
    public struct DoorActionMatch: Hashable, Sendable, CustomStringConvertible {
        /// The rule's effect (`open_door`).
        public var effect: String
        /// The matched digits as text.
        public var sequence: String
        /// The party who entered them (its `LegConfiguration.name`).
        public var party: String
        /// The party's leg.
        public var partyLeg: Leg
        /// The door's leg.
        public var door: Leg
        /// When the last digit arrived (the caller's clock; the CDR converts to wall time).
        public var time: NIODeadline
        /// How the last digit arrived.
        public var arrivedBy: DTMFMethod

        public var description: String { "\(effect) (\(sequence)) by \(party) via \(arrivedBy)" }
    }

    /// Which way one digit went: the CDR's and the log's record.
    public struct DigitRoute: Hashable, Sendable {
        /// The digit.
        public var digit: DTMFDigit
        /// The leg it arrived on, and how.
        public var from: Leg
        public var arrivedBy: DTMFMethod
        /// The leg it left on, and how; `nil` when it was not relayed.
        public var to: Leg?
        public var leftBy: DTMFMethod?

        /// A route.
        public init(digit: DTMFDigit, from: Leg, arrivedBy: DTMFMethod, to: Leg? = nil, leftBy: DTMFMethod? = nil) {
            self.digit = digit
            self.from = from
            self.arrivedBy = arrivedBy
            self.to = to
            self.leftBy = leftBy
        }
    }

    /// One log line; `route` is set for lines about one digit's path.
    public struct LogEntry: Hashable, Sendable, CustomStringConvertible {
        /// When (the time of the input that produced it).
        public var time: NIODeadline
        /// What happened, in words.
        public var text: String
        /// The digit's path, for lines about relaying one.
        public var route: DigitRoute?

        public var description: String { text }
    }

    /// What the owner of the call must do; execute in order.
    public enum Action: Hashable, Sendable {
        /// Apply this to the leg's media (see `MediaDirective`).
        case configureMedia(Leg, MediaDirective)
        /// Send an INFO in the leg's dialog with this body and Content-Type (no Info-Package);
        /// report the outcome with `receiveINFOResponse` or `infoTransactionFailed`.
        case sendINFO(Leg, digit: DTMFDigit, body: [UInt8], contentType: DTMFInfoContentType)
        /// Start an open-ended RFC 4733 event on the leg (ended by `stopTelephoneEvent`).
        case startTelephoneEvent(Leg, DTMFDigit)
        /// End the leg's open event, lasting at least `minimumDuration` in all.
        case stopTelephoneEvent(Leg, minimumDuration: TimeAmount)
        /// Send a whole RFC 4733 event of `duration` on the leg.
        case sendTelephoneEvent(Leg, DTMFDigit, duration: TimeAmount)
        /// Generate the tone into the leg's outgoing audio.
        case generateInBand(Leg, DTMFDigit, duration: TimeAmount)
        /// Call `timerFired(timer, at:)` after this long (replacing an earlier one of the same).
        case startTimer(Timer, after: TimeAmount)
        /// A door rule matched: record it in the CDR ("door opened by <party> at <time>").
        case doorAction(DoorActionMatch)
        /// Log this line.
        case log(LogEntry)
    }

    /// The answer to a received INFO request.
    public struct INFOAnswer: Hashable, Sendable {
        /// The status code (200, 400, 413, 415).
        public var statusCode: Int
        /// The reason phrase.
        public var reasonPhrase: String

        /// An answer.
        public init(statusCode: Int, reasonPhrase: String) {
            self.statusCode = statusCode
            self.reasonPhrase = reasonPhrase
        }
    }
}
