/// Answering an offer (RFC 3264 §6).
extension Negotiator {
    /// Builds our answer to a peer's offer.
    ///
    /// Per stream, in the offer's order (the answer keeps every `m=` line, RFC 3264 §6):
    /// - refused with port 0 and the offer's formats when the kind, transport, SRTP policy or
    ///   codecs do not fit (``StreamRejection`` says which);
    /// - otherwise the codecs of our profile that the offer has, in our order of preference, each
    ///   under the offerer's payload type number (RFC 3264 §6.1), H.264 answered per RFC 6184
    ///   §8.2.2, and telephone-event at the clock rate of every chosen audio codec when the
    ///   offer has it there (RFC 4733 §7.1.1);
    /// - the direction mirrored: sendonly → recvonly, recvonly → sendonly, inactive → inactive
    ///   (RFC 3264 §6.1), combined with ``LocalMedia/direction``.
    ///
    /// Throws ``NegotiationError/noAcceptableMedia(_:)`` when no stream is left: the caller
    /// answers 488 (a T.38 re-offer on a door call, for example) and keeps the old media.
    public func answer(to offer: SessionDescription, local: LocalMedia) throws(NegotiationError) -> Answer {
        var media: [MediaDescription] = []
        var streams: [NegotiatedStream] = []
        for (index, offered) in offer.media.enumerated() {
            switch answerStream(index: index, offer: offer, local: local) {
            case .accepted(let description, let stream):
                media.append(description)
                streams.append(stream)
            case .rejected(let reason):
                // RFC 3264 §6: port 0, same media and proto, the offer's formats.
                media.append(MediaDescription(media: offered.media, port: 0, proto: offered.proto,
                                              formats: offered.formats))
                streams.append(.rejected(index: index, stream: offered, reason: reason))
            }
        }
        guard streams.contains(where: \.isAccepted) else {
            throw .noAcceptableMedia(streams.map {
                NegotiationError.StreamFailure(index: $0.index, reason: $0.rejection ?? .noCommonCodec)
            })
        }
        let description = SessionDescription(origin: local.origin, sessionName: local.sessionName,
                                             connection: .unicast(local.address), media: media)
        return Answer(description: description, session: NegotiatedSession(streams: streams))
    }

    private enum StreamOutcome {
        case accepted(MediaDescription, NegotiatedStream)
        case rejected(StreamRejection)
    }

    private func answerStream(index: Int, offer: SessionDescription, local: LocalMedia) -> StreamOutcome {
        let offered = offer.media[index]
        guard offered.port != 0 else { return .rejected(.disabledInOffer) }
        guard offered.media == .audio || offered.media == .video else { return .rejected(.mediaNotSupported) }
        guard offered.media != .video || profile.video == .pass else { return .rejected(.videoStripped) }
        guard Self.isSupportedTransport(offered.proto) else { return .rejected(.transportNotSupported) }
        guard local.ports.indices.contains(index) else { return .rejected(.noLocalPort) }
        guard let connection = offer.connection(ofMedia: index) else { return .rejected(.noConnection) }

        // SRTP (RFC 4568 §7.1.2 for the answerer's choice, per the leg's policy).
        let crypto = chooseCrypto(offered: offered, keys: local.cryptoKeys(forStream: index))
        switch (offered.proto.isSecure, profile.srtp) {
        case (true, .off): return .rejected(.srtpNotAllowed)
        case (true, _) where crypto == nil: return .rejected(.noCommonCryptoSuite)
        case (false, .require) where crypto == nil: return .rejected(.srtpRequired)
        default: break
        }
        let usedCrypto = profile.srtp == .off ? nil : crypto

        let formats = Self.formats(of: offered)
        let codecs = matchCodecs(profile.codecs(for: offered.media), against: formats)
        guard !codecs.isEmpty else { return .rejected(.noCommonCodec) }
        let events = offered.media == .audio && profile.telephoneEvent
            ? Self.telephoneEvents(for: codecs.map(\.codec), in: formats) : []

        let direction = offer.direction(ofMedia: index).answer(wanting: local.direction)
        let rtcpMux = offered.rtcpMux && profile.rtcpMux
        var feedback: [RTCPFeedback] = []
        if offered.proto.hasFeedback {
            let payloadTypes = Set(codecs.map(\.receivePayloadType))
            feedback = offered.rtcpFeedback.filter {
                Self.relayedFeedback.contains($0.feedback.lowercased())
                    && ($0.format == "*" || UInt8($0.format).map(payloadTypes.contains) == true)
            }
        }
        let attributes = streamAttributes(
            codecs: codecs.map { ($0.codec, $0.receivePayloadType) },
            telephoneEvents: events.map { ($0.clockRate, $0.receivePayloadType) },
            feedback: feedback, media: offered.media,
            crypto: usedCrypto.map { ["\($0.tag) \($0.suite) \($0.localKey)"] } ?? [],
            rtcpMux: rtcpMux, mid: offered.mid, direction: direction)
        let description = MediaDescription(
            media: offered.media, port: local.ports[index], proto: offered.proto,
            formats: (codecs.map(\.receivePayloadType) + events.map(\.receivePayloadType)).map(String.init),
            attributes: attributes)
        let stream = NegotiatedStream(
            index: index, media: offered.media, proto: offered.proto, rejection: nil,
            codecs: codecs, telephoneEvents: events, direction: direction,
            localPtime: offered.media == .audio ? profile.ptime : nil,
            remotePtime: offered.ptime, remoteMaxptime: offered.maxptime,
            remoteAddress: connection.address, remotePort: offered.port,
            remoteRTCPPort: Self.rtcpPort(of: offered, muxed: rtcpMux), rtcpMux: rtcpMux,
            crypto: usedCrypto, mid: offered.mid)
        return .accepted(description, stream)
    }

    /// Our codecs in our order, each bound to the first offered format it matches; the answer
    /// keeps the offerer's payload type (RFC 3264 §6.1).
    private func matchCodecs(_ wanted: [Codec], against formats: [FormatEntry]) -> [NegotiatedCodec] {
        var used = PayloadTypeSet()
        var result: [NegotiatedCodec] = []
        for codec in wanted {
            guard let format = formats.first(where: {
                !used.contains($0.payloadType) && !$0.isTelephoneEvent && codec.matches($0.map, formatParameters: $0.fmtp)
            }) else { continue }
            used.insert(format.payloadType)
            var answered = codec
            if codec.isH264 {
                // RFC 6184 §8.2.2: the offer's profile and mode at the lower of the two levels;
                // with no fmtp in the profile, the offer's configuration as it is.
                let offeredParameters = H264Parameters(formatParameters: format.fmtp)
                let ours = codec.formatParameters.map {
                    H264Parameters(formatParameters: FormatParameters(format: "", parameters: $0))
                } ?? offeredParameters
                answered.formatParameters = ours.answer(to: offeredParameters).formatParameterText
            }
            result.append(NegotiatedCodec(codec: answered, sendPayloadType: format.payloadType,
                                          receivePayloadType: format.payloadType,
                                          remoteFormatParameters: format.fmtp?.parameters))
        }
        return result
    }

    /// telephone-event at each distinct clock rate of the chosen codecs, when offered there
    /// (RFC 4733 §2.1: the event clock is the audio clock).
    static func telephoneEvents(for codecs: [Codec], in formats: [FormatEntry]) -> [NegotiatedTelephoneEvent] {
        var rates: [Int] = []
        for codec in codecs where !rates.contains(codec.clockRate) { rates.append(codec.clockRate) }
        return rates.compactMap { rate in
            formats.first { $0.isTelephoneEvent && $0.map.clockRate == rate }.map {
                NegotiatedTelephoneEvent(clockRate: rate, sendPayloadType: $0.payloadType,
                                         receivePayloadType: $0.payloadType,
                                         remoteEvents: $0.fmtp?.parameters)
            }
        }
    }

    /// The crypto line to answer: with ``MediaProfile/acceptedCryptoSuites`` set (the operator's
    /// preference order), the first of those suites the offer carries; without it, the offer's
    /// first line whose suite we hold a key for (RFC 4568 §7.1.1-7.1.2: the offerer lists its
    /// preferred lines first, the answerer selects one acceptable attribute). A line is usable
    /// with `inline:` keys without MKI and no session parameters.
    private func chooseCrypto(offered: MediaDescription, keys: [String: String]) -> NegotiatedCrypto? {
        let usable = offered.cryptos.filter { crypto in
            crypto.sessionParameters.isEmpty
                && crypto.keys.allSatisfy { $0.method.caseInsensitiveEquals("inline") && $0.mki == nil }
        }
        func negotiated(_ crypto: CryptoAttribute) -> NegotiatedCrypto? {
            guard let local = keys.first(where: { $0.key.caseInsensitiveEquals(crypto.suite) }) else { return nil }
            return NegotiatedCrypto(tag: crypto.tag, suite: local.key, localKey: local.value, remoteKeys: crypto.keys)
        }
        guard let accepted = profile.acceptedCryptoSuites else { return usable.lazy.compactMap(negotiated).first }
        for suite in accepted {
            if let choice = usable.first(where: { $0.suite.caseInsensitiveEquals(suite) }).flatMap(negotiated) {
                return choice
            }
        }
        return nil
    }
}
