/// Reading the peer's answer to our offer (RFC 3264 §7).
extension Negotiator {
    /// The negotiated result of our offer and the peer's answer.
    ///
    /// Per stream: rejected when either side has port 0; otherwise the codecs in the answer's
    /// order that we offered (matched by name, clock and, for H.264, configuration; the peer
    /// may renumber them, RFC 3264 §6.1 says SHOULD not MUST, so each direction keeps its own
    /// payload type), telephone-event per clock rate, the direction from both sides, the peer's
    /// address, ports, ptime, rtcp-mux and the crypto line it accepted.
    ///
    /// Throws when the answer breaks RFC 3264 §6 (a different number or kind of `m=` lines),
    /// names a crypto tag we did not offer, or leaves no stream usable.
    public func negotiate(offer: SessionDescription, answer: SessionDescription) throws(NegotiationError) -> NegotiatedSession {
        guard offer.media.count == answer.media.count else {
            throw .streamCountMismatch(offered: offer.media.count, answered: answer.media.count)
        }
        var streams: [NegotiatedStream] = []
        for index in offer.media.indices {
            let ours = offer.media[index], theirs = answer.media[index]
            guard ours.media == theirs.media else { throw .mediaMismatch(index: index) }
            streams.append(try negotiateStream(index: index, offer: offer, answer: answer))
        }
        guard streams.contains(where: \.isAccepted) else {
            throw .noAcceptableMedia(streams.map {
                NegotiationError.StreamFailure(index: $0.index, reason: $0.rejection ?? .noCommonCodec)
            })
        }
        return NegotiatedSession(streams: streams)
    }

    private func negotiateStream(index: Int, offer: SessionDescription, answer: SessionDescription) throws(NegotiationError) -> NegotiatedStream {
        let ours = offer.media[index], theirs = answer.media[index]
        guard ours.port != 0 else { return .rejected(index: index, stream: ours, reason: .disabledInOffer) }
        guard theirs.port != 0 else { return .rejected(index: index, stream: ours, reason: .rejectedByPeer) }
        guard let connection = answer.connection(ofMedia: index) else {
            return .rejected(index: index, stream: ours, reason: .noConnection)
        }

        let offered = Self.formats(of: ours)
        var codecs: [NegotiatedCodec] = []
        var events: [NegotiatedTelephoneEvent] = []
        for format in Self.formats(of: theirs) {
            if format.isTelephoneEvent {
                guard let mine = offered.first(where: { $0.isTelephoneEvent && $0.map.clockRate == format.map.clockRate }),
                      !events.contains(where: { $0.clockRate == format.map.clockRate }) else { continue }
                events.append(NegotiatedTelephoneEvent(
                    clockRate: format.map.clockRate, sendPayloadType: format.payloadType,
                    receivePayloadType: mine.payloadType, remoteEvents: format.fmtp?.parameters))
                continue
            }
            // A format we never offered is ignored rather than fatal: lenient toward peers
            // that echo their full list. The first offered format the codec matches is taken.
            for mine in offered where !mine.isTelephoneEvent
                && !codecs.contains(where: { $0.receivePayloadType == mine.payloadType }) {
                let codec = Codec(media: ours.media, name: mine.map.encodingName, clockRate: mine.map.clockRate,
                                  channels: mine.map.channels, formatParameters: mine.fmtp?.parameters)
                if codec.matches(format.map, formatParameters: format.fmtp) {
                    codecs.append(NegotiatedCodec(
                        codec: codec, sendPayloadType: format.payloadType, receivePayloadType: mine.payloadType,
                        remoteFormatParameters: format.fmtp?.parameters))
                    break
                }
            }
        }
        guard !codecs.isEmpty else { return .rejected(index: index, stream: ours, reason: .noCommonCodec) }

        // RFC 4568 §7.1.3: the answer's crypto line must carry one of our tags with its suite.
        var crypto: NegotiatedCrypto?
        if let accepted = theirs.cryptos.first {
            guard let mine = ours.cryptos.first(where: { $0.tag == accepted.tag }),
                  mine.suite.caseInsensitiveEquals(accepted.suite) else { throw .unofferedCrypto(index: index) }
            crypto = NegotiatedCrypto(tag: mine.tag, suite: mine.suite,
                                      localKey: mine.keys.map(\.description).joined(separator: ";"),
                                      remoteKeys: accepted.keys)
        } else if ours.proto.isSecure || profile.srtp == .require {
            return .rejected(index: index, stream: ours, reason: .srtpRequired)
        }

        let offeredDirection = offer.direction(ofMedia: index)
        let answeredDirection = answer.direction(ofMedia: index)
        let direction = MediaDirection(sends: offeredDirection.sends && answeredDirection.receives,
                                       receives: offeredDirection.receives && answeredDirection.sends)
        let rtcpMux = ours.rtcpMux && theirs.rtcpMux
        return NegotiatedStream(
            index: index, media: ours.media, proto: ours.proto, rejection: nil,
            codecs: codecs, telephoneEvents: events, direction: direction,
            localPtime: ours.ptime, remotePtime: theirs.ptime, remoteMaxptime: theirs.maxptime,
            remoteAddress: connection.address, remotePort: theirs.port,
            remoteRTCPPort: Self.rtcpPort(of: theirs, muxed: rtcpMux), rtcpMux: rtcpMux,
            crypto: crypto, mid: theirs.mid ?? ours.mid)
    }
}
