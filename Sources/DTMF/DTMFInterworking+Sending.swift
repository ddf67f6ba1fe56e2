import NIOCore

extension DTMFInterworking {
    /// Re-sends a reported digit on the other leg in that leg's method. RFC 4733 goes out live
    /// (start now, stop at the end) when the digit's start was seen; INFO and in-band need the
    /// duration and leave at the end (INTEROP.md: "Convert RFC 4733 → INFO when the digit ends").
    mutating func relay(_ event: DTMFEvent, from leg: Leg, isArrival: Bool) -> [Action] {
        let destination = leg.other
        guard var target = legState(destination) else {
            guard isArrival else { return [] }
            return [routeLog(event.digit, from: leg, arrivedBy: event.method, to: nil, note: "not relayed: no other leg", at: event.time)]
        }
        guard let method = sendMethod(of: destination) else {
            guard event.isEnd else { return [] }
            return [routeLog(event.digit, from: leg, arrivedBy: event.method, to: nil,
                             note: "not relayed: \(describe(destination)) refused INFO and has no telephone-event", at: event.time)]
        }
        switch (method, event.phase) {
        case (.rfc4733, _) where event.method == .rfc4733 && mediaForwardsTelephoneEvents:
            guard isArrival else { return [] }
            return [routeLog(event.digit, from: leg, arrivedBy: event.method, to: (destination, .rfc4733),
                             note: "forwarded in the media path", at: event.time)]
        case (.rfc4733, .start):
            var actions: [Action] = []
            if target.openEvent != nil {
                actions.append(.stopTelephoneEvent(destination, minimumDuration: minimumDuration(of: destination)))
            }
            target.openEvent = event.digit
            setLegState(destination, target)
            actions.append(.startTelephoneEvent(destination, event.digit))
            actions.append(routeLog(event.digit, from: leg, arrivedBy: event.method, to: (destination, .rfc4733), note: nil, at: event.time))
            return actions
        case (.rfc4733, .end(let milliseconds)):
            if target.openEvent == event.digit {
                target.openEvent = nil
                setLegState(destination, target)
                return [.stopTelephoneEvent(destination, minimumDuration: minimumDuration(of: destination))]
            }
            return sendWhole(event.digit, durationMilliseconds: milliseconds, arrivedBy: event.method, from: leg, at: event.time)
        case (_, .start):
            return []
        case (_, .end(let milliseconds)):
            return sendWhole(event.digit, durationMilliseconds: milliseconds, arrivedBy: event.method, from: leg, at: event.time)
        }
    }

    /// Sends one whole digit of known duration (at least the destination's minimum) on the
    /// other leg of `leg`.
    mutating func sendWhole(_ digit: DTMFDigit, durationMilliseconds: Int, arrivedBy: DTMFMethod, from leg: Leg, at time: NIODeadline) -> [Action] {
        let destination = leg.other
        guard var target = legState(destination), let method = sendMethod(of: destination) else {
            return [routeLog(digit, from: leg, arrivedBy: arrivedBy, to: nil, note: "not relayed: \(describe(destination)) takes no DTMF", at: time)]
        }
        let milliseconds = max(durationMilliseconds, target.configuration.minimumDurationMilliseconds)
        let route = routeLog(digit, from: leg, arrivedBy: arrivedBy, to: (destination, method), note: nil, at: time)
        switch method {
        case .rfc4733:
            return [.sendTelephoneEvent(destination, digit, duration: .milliseconds(Int64(milliseconds))), route]
        case .inband:
            return [.generateInBand(destination, digit, duration: .milliseconds(Int64(milliseconds))), route]
        case .info:
            let senderActions = target.infoSender.enqueue(DTMFInfoBody(digit: digit, durationMilliseconds: milliseconds))
            setLegState(destination, target)
            return [route] + mapSender(senderActions, on: destination, at: time)
        }
    }

    /// Turns the INFO sender's actions on `leg` into the machine's.
    func mapSender(_ senderActions: [DTMFInfoSender.Action], on leg: Leg, at time: NIODeadline) -> [Action] {
        guard let state = legState(leg) else { return [] }
        let minimum = state.configuration.minimumDurationMilliseconds
        var actions: [Action] = []
        for action in senderActions {
            switch action {
            case .sendINFO(let digit, let body, let contentType):
                actions.append(.sendINFO(leg, digit: digit, body: body, contentType: contentType))
            case .startTimer(let delay):
                actions.append(.startTimer(.infoGap(leg), after: delay))
            case .fallback(let body):
                let milliseconds = max(body.durationMilliseconds, minimum)
                actions.append(.sendTelephoneEvent(leg, body.digit, duration: .milliseconds(Int64(milliseconds))))
                actions.append(log("digit \(body.digit) to \(describe(leg)): INFO refused, sent by rfc4733 instead", at: time))
            case .drop(let body, let reason):
                if state.infoSender.hasGivenUpINFO, state.configuration.mode == .auto, !state.configuration.telephoneEventNegotiated {
                    // `auto` falls through to its last resort: tones in the audio.
                    let milliseconds = max(body.durationMilliseconds, minimum)
                    actions.append(.generateInBand(leg, body.digit, duration: .milliseconds(Int64(milliseconds))))
                    actions.append(log("digit \(body.digit) to \(describe(leg)): INFO refused, sent in-band instead", at: time))
                } else {
                    actions.append(log("digit \(body.digit) to \(describe(leg)) not sent: \(reason)", at: time))
                }
            }
        }
        return actions
    }

    /// The line saying which method a digit arrived by and left by.
    func routeLog(_ digit: DTMFDigit, from leg: Leg, arrivedBy: DTMFMethod, to destination: (Leg, DTMFMethod)?, note: String?, at time: NIODeadline) -> Action {
        var text = "digit \(digit) from \(describe(leg)) arrived by \(arrivedBy)"
        if let (target, method) = destination { text += ", left by \(method) to \(describe(target))" }
        if let note { text += (destination == nil ? ", " : " (") + note + (destination == nil ? "" : ")") }
        let route = DigitRoute(digit: digit, from: leg, arrivedBy: arrivedBy, to: destination?.0, leftBy: destination?.1)
        return .log(LogEntry(time: time, text: text, route: route))
    }
}
