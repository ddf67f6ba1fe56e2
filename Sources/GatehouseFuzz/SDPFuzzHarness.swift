import SDP

/// SDP inputs (RFC 8866) and offer/answer (RFC 3264). Promises checked: the parser never traps;
/// what parses has a canonical text that parses to itself; the negotiator answers it (or throws
/// a typed error) for every kind of endpoint, keeps one answer stream per offered stream
/// (RFC 3264 §6), and takes it as an answer to our own offer without trapping.
enum SDPFuzzHarness {
    static let profiles: [MediaProfile] = [
        MediaProfile(name: "carrier", audioCodecs: [.pcma, .pcmu]),
        MediaProfile(name: "softphone", audioCodecs: [.opus, .g722, .pcmu], srtp: .require, rtcpMux: true),
        MediaProfile(name: "door", audioCodecs: [.pcmu, .pcma, .g722], videoCodecs: [.h264], video: .pass, srtp: .offer),
    ]
    static let local = LocalMedia(address: "192.0.2.1", ports: [40000, 40002], sessionID: "1",
                                  cryptoKeys: [["AES_CM_128_HMAC_SHA1_80": "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"]])

    static func run(_ input: [UInt8]) {
        let description: SessionDescription
        do {
            description = try SDPParser().parse(input)
        } catch {
            _ = "\(error)"
            return
        }
        let canonical = description.text
        do {
            let again = try SessionDescription(parsing: canonical)
            guard again.text == canonical else { fatalError("SDP canonical text is not a fixed point") }
        } catch {
            fatalError("SDP canonical text does not parse: \(error)")
        }
        for profile in profiles {
            let negotiator = Negotiator(profile: profile)
            do {
                let answer = try negotiator.answer(to: description, local: local)
                guard answer.description.media.count == description.media.count else {
                    fatalError("answer has \(answer.description.media.count) streams for \(description.media.count) offered")
                }
                _ = try? SessionDescription(parsing: answer.description.text)
            } catch {
                _ = "\(error)"
            }
            _ = try? negotiator.negotiate(offer: negotiator.offer(local: local, media: [.audio, .video]), answer: description)
        }
    }
}
