/// Creating an offer (RFC 3264 §5): the B2BUA's outgoing leg.
extension Negotiator {
    /// Builds an offer from the profile, one `m=` line per requested kind that the profile can
    /// speak (video is left out when the profile strips it; other kinds are left out).
    ///
    /// - Parameters:
    ///   - local: our anchored address, origin and keys; `ports[i]` is the port for `media[i]`.
    ///   - media: the kinds to offer, normally those of the other leg's offer.
    ///
    /// Payload types: RFC 3551 static numbers where the codec has one (PCMU 0, PCMA 8, G722 9),
    /// otherwise dynamic numbers from ``MediaProfile/firstDynamicPayloadType`` upwards (RFC 3551
    /// §3); telephone-event/8000 takes 101 when free, the number most devices expect. One
    /// telephone-event per audio clock rate (RFC 4733 §7.1.1). With SRTP policy `offer` the keys
    /// ride on `RTP/AVP`; with `require` the profile is `RTP/SAVP` (RFC 4568 §7.1.1).
    public func offer(local: LocalMedia, media kinds: [MediaType] = [.audio]) -> SessionDescription {
        var media: [MediaDescription] = []
        for (index, kind) in kinds.enumerated() {
            let codecs = profile.codecs(for: kind)
            guard !codecs.isEmpty, local.ports.indices.contains(index) else { continue }
            var used = PayloadTypeSet()
            var assigned: [(codec: Codec, payloadType: UInt8)] = []
            for codec in codecs {
                let payloadType = codec.staticPayloadType ?? nextDynamic(avoiding: used, preferring: nil)
                guard let payloadType, !used.contains(payloadType) else { continue }
                used.insert(payloadType)
                assigned.append((codec, payloadType))
            }
            var events: [(clockRate: Int, payloadType: UInt8)] = []
            if kind == .audio && profile.telephoneEvent {
                for (codec, _) in assigned where !events.contains(where: { $0.clockRate == codec.clockRate }) {
                    guard let payloadType = nextDynamic(avoiding: used, preferring: codec.clockRate == 8000 ? 101 : nil)
                    else { continue }
                    used.insert(payloadType)
                    events.append((codec.clockRate, payloadType))
                }
            }
            let crypto: [String] = profile.srtp == .off ? [] : profile.cryptoSuites.enumerated().compactMap { item in
                local.cryptoKeys(forStream: index)[item.element].map { "\(item.offset + 1) \(item.element) \($0)" }
            }
            let attributes = streamAttributes(
                codecs: assigned, telephoneEvents: events, feedback: [], media: kind, crypto: crypto,
                rtcpMux: profile.rtcpMux, mid: nil, direction: local.direction)
            media.append(MediaDescription(
                media: kind, port: local.ports[index],
                proto: profile.srtp == .require ? .rtpSAVP : .rtpAVP,
                formats: (assigned.map(\.payloadType) + events.map(\.payloadType)).map(String.init),
                attributes: attributes))
        }
        return SessionDescription(origin: local.origin, sessionName: local.sessionName,
                                  connection: .unicast(local.address), media: media)
    }

    /// The preferred number when free and dynamic, else the lowest free dynamic number.
    private func nextDynamic(avoiding used: PayloadTypeSet, preferring preferred: UInt8?) -> UInt8? {
        let first = min(max(profile.firstDynamicPayloadType, 96), 127)
        if let preferred, preferred >= first, preferred <= 127, !used.contains(preferred) { return preferred }
        return (first...127).first { !used.contains($0) && $0 != 101 }
            ?? (used.contains(101) ? nil : 101)
    }
}
