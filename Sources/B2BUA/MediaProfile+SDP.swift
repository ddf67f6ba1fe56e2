import DialPlan
import SDP

extension SDPMediaProfile {
    /// The negotiator's profile for a leg of the dial plan: its codecs in order, telephone-event
    /// unless the leg's DTMF mode is `inband`, its SRTP and video policy. Trunks get ptime 20
    /// (INTEROP.md, carrier trunks). An `info` leg negotiates telephone-event too: events it
    /// sends are understood, and a peer refusing INFO (405/415/488/501) gets RFC 4733 instead
    /// (INTEROP.md, SIP INFO DTMF); digits still leave by INFO while it accepts them.
    /// `srtp_suites` orders the SDES offer and the answer's choice, and limits what it accepts.
    public init(leg profile: PlanMediaProfile, name: String) {
        var audio: [SDPCodec] = []
        var video: [SDPCodec] = []
        for codec in profile.codecs {
            switch codec {
            case .pcmu: audio.append(.pcmu)
            case .pcma: audio.append(.pcma)
            case .g722: audio.append(.g722)
            case .opus: audio.append(.opus)
            case .h264: video.append(.h264)
            case .h263: video.append(SDPCodec(media: .video, name: "H263", clockRate: 90000))
            case .vp8: video.append(SDPCodec(media: .video, name: "VP8", clockRate: 90000))
            }
        }
        let srtp: SDPMediaProfile.SRTPPolicy = switch profile.srtp {
        case .off: .off
        case .offer: .offer
        case .require: .require
        }
        // `srtp_suites` both orders the offer and limits the answer; without it the offer keeps
        // the two AES-CM suites and an answer takes any suite the media engine implements.
        let suites = profile.srtpSuites?.map(\.rawValue)
        self.init(name: name, audioCodecs: audio, videoCodecs: video,
                  video: profile.video == .pass && !video.isEmpty ? .pass : .strip,
                  telephoneEvent: profile.dtmf.mode != .inband,
                  srtp: srtp, cryptoSuites: suites ?? SRTPSuite.defaultOffer.map(\.rawValue),
                  acceptedCryptoSuites: suites, ptime: 20)
    }
}
