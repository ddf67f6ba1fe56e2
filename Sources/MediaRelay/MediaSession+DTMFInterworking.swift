import DTMF
import NIOCore

extension MediaLeg {
    /// The media leg of an interworking leg (`a` is `a`).
    public init(_ leg: DTMFInterworking.Leg) {
        self = leg == .a ? .a : .b
    }
}

extension DTMFInterworking.Leg {
    /// The interworking leg of a media leg (`a` is `a`).
    public init(_ leg: MediaLeg) {
        self = leg == .a ? .a : .b
    }
}

extension LegDTMFConfiguration {
    /// The media settings for an interworking `MediaDirective`.
    public init(_ directive: DTMFInterworking.MediaDirective, telephoneEventClockRate: Int? = nil) {
        self.init(swallowsTelephoneEvents: directive.swallowsTelephoneEvents, detectsInBand: directive.detectsInBand,
                  removesInBandTones: directive.removesInBandTones, telephoneEventClockRate: telephoneEventClockRate)
    }
}

extension MediaSession {
    /// Executes one `DTMFInterworking.Action` that concerns the media (`configureMedia`,
    /// `startTelephoneEvent`, `stopTelephoneEvent`, `sendTelephoneEvent`, `generateInBand`) and
    /// returns true; returns false for the others (INFO, timers, door actions, logs), which
    /// belong to the call layer. Legs map `a` → `a`, `b` → `b`.
    @discardableResult
    public func perform(_ action: DTMFInterworking.Action) async throws -> Bool {
        switch action {
        case .configureMedia(let leg, let directive):
            try await configureDTMF(leg: MediaLeg(leg), LegDTMFConfiguration(directive))
        case .startTelephoneEvent(let leg, let digit):
            try await startDigit(digit, on: MediaLeg(leg))
        case .stopTelephoneEvent(let leg, let minimumDuration):
            try await stopDigit(on: MediaLeg(leg), minimumDuration: minimumDuration)
        case .sendTelephoneEvent(let leg, let digit, let duration):
            try await sendDigit(digit, on: MediaLeg(leg), duration: duration)
        case .generateInBand(let leg, let digit, let duration):
            try await generateInBand(digit, on: MediaLeg(leg), duration: duration)
        case .sendINFO, .startTimer, .doorAction, .log:
            return false
        }
        return true
    }
}
