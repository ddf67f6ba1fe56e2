import Foundation
import SDP

/// Fixture access, the named profiles the golden files refer to, and the text rendering of a
/// negotiated result.
enum Fixtures {
    /// The fixture directory inside the test bundle.
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// The file names (sorted) in one fixture folder with an extension.
    static func names(in folder: String, ext: String) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted()
    }

    /// The bytes of one fixture file.
    static func data(_ folder: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    /// Where a fixture lives in the source tree (record mode writes there).
    static func sourceURL(_ folder: String, _ name: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(folder).appendingPathComponent(name)
    }

    /// `SDP_RECORD_GOLDEN=1 swift test --filter SDPTests` rewrites the expected sections from the
    /// current output (review the diff before committing; the tests fail while recording).
    static var recording: Bool {
        ProcessInfo.processInfo.environment["SDP_RECORD_GOLDEN"] == "1"
    }
}

/// A golden file: `# comment` lines, then `==== <section>` headers each followed by its text.
struct GoldenFile {
    var comment: [String]
    var sections: [(name: String, lines: [String])]

    init(text: String) {
        comment = []
        sections = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("==== ") {
                sections.append((String(line.dropFirst(5)), []))
            } else if sections.isEmpty {
                if line.hasPrefix("#") { comment.append(line) }
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        // The file's final newline leaves one empty trailing line.
        if var last = sections.last, last.lines.last == "" {
            last.lines.removeLast()
            sections[sections.count - 1] = last
        }
    }

    func lines(_ name: String) -> [String] {
        sections.first { $0.name == name }?.lines ?? []
    }

    /// The section as an SDP body: each line CRLF-terminated.
    func sdp(_ name: String) -> String {
        lines(name).map { $0 + "\r\n" }.joined()
    }

    func replacing(_ name: String, with lines: [String]) -> GoldenFile {
        var copy = self
        if let index = copy.sections.firstIndex(where: { $0.name == name }) {
            copy.sections[index].lines = lines
        }
        return copy
    }

    var text: String {
        var out = comment.map { $0 + "\n" }.joined()
        for (name, lines) in sections {
            out += "==== \(name)\n"
            out += lines.map { $0 + "\n" }.joined()
        }
        return out
    }
}

/// The profiles the golden files name.
enum Profiles {
    static let opusWithFEC = Codec(media: .audio, name: "opus", clockRate: 48000, channels: 2,
                                   formatParameters: "useinbandfec=1")

    static let all: [String: MediaProfile] = {
        let softphone = MediaProfile(name: "softphone", audioCodecs: [opusWithFEC, .g722, .pcmu, .pcma],
                                     srtp: .offer, rtcpMux: true)
        var softphoneSRTP = softphone
        softphoneSRTP.name = "softphone-srtp"
        softphoneSRTP.srtp = .require
        var softphoneVideo = softphone
        softphoneVideo.name = "softphone-video"
        softphoneVideo.video = .pass
        softphoneVideo.videoCodecs = [Codec(media: .video, name: "H264", clockRate: 90000,
                                            formatParameters: "profile-level-id=42e01f;packetization-mode=1")]
        let door = MediaProfile(name: "door", audioCodecs: [.g722, .pcmu, .pcma], videoCodecs: [.h264],
                                video: .pass)
        var doorAudio = door
        doorAudio.name = "door-audio"
        doorAudio.video = .strip
        return [
            "softphone": softphone,
            "softphone-srtp": softphoneSRTP,
            "softphone-video": softphoneVideo,
            "door": door,
            "door-audio": doorAudio,
            "phone": MediaProfile(name: "phone", audioCodecs: [.g722, .pcma, .pcmu]),
            "pbx": MediaProfile(name: "pbx", audioCodecs: [.pcmu, .pcma, .g722]),
            "carrier": MediaProfile(name: "carrier", audioCodecs: [.pcma, .pcmu]),
        ]
    }()
}

/// The anchored side the golden files assume.
enum Anchor {
    static let keys = [
        [
            "AES_CM_128_HMAC_SHA1_80": "inline:Q1dfX4JM1gc7gofL1MJUbvUpF5wMGJg/Ek9wgIHx",
            "AES_CM_128_HMAC_SHA1_32": "inline:Qzzy4NEDf4pETzqlD7SrIAvjtYlBqD4bJMpExbZK",
        ],
        [
            "AES_CM_128_HMAC_SHA1_80": "inline:B4TyFI783XG5RzL1TmY5an4tKswcnWOveau0JDPB",
            "AES_CM_128_HMAC_SHA1_32": "inline:2P3pPnuSfg2ddWq0/OXsG5CvrNDR3imwyQRLGA56",
        ],
    ]

    static let local = LocalMedia(address: "203.0.113.10", ports: [40000, 40002, 40004, 40006],
                                  sessionID: "1700000000", sessionVersion: "1", cryptoKeys: keys)
}

/// A stable, readable text form of a negotiated result for golden comparison.
func render(_ session: NegotiatedSession) -> [String] {
    var lines: [String] = []
    for stream in session.streams {
        let head = "stream \(stream.index) \(stream.media) \(stream.proto)"
        guard stream.isAccepted else {
            lines.append(head + " rejected: \(stream.rejection?.rawValue ?? "?")")
            continue
        }
        lines.append(head)
        lines.append("  codecs: " + stream.codecs.map { codec in
            var text = "\(codec.codec) pt \(codec.sendPayloadType)/\(codec.receivePayloadType)"
            if let fmtp = codec.codec.formatParameters { text += " fmtp \"\(fmtp)\"" }
            return text
        }.joined(separator: ", "))
        lines.append("  telephone-event: " + (stream.telephoneEvents.isEmpty ? "none" : stream.telephoneEvents.map {
            "\($0.clockRate) pt \($0.sendPayloadType)/\($0.receivePayloadType)" + ($0.remoteEvents.map { " events \($0)" } ?? "")
        }.joined(separator: ", ")))
        lines.append("  direction: \(stream.direction.rawValue)")
        lines.append("  ptime: local \(stream.localPtime.map(String.init) ?? "-") remote \(stream.remotePtime.map(String.init) ?? "-") maxptime \(stream.remoteMaxptime.map(String.init) ?? "-")")
        lines.append("  remote: \(stream.remoteAddress ?? "-"):\(stream.remotePort) rtcp \(stream.remoteRTCPPort) mux \(stream.rtcpMux ? "yes" : "no")")
        if let crypto = stream.crypto {
            lines.append("  crypto: tag \(crypto.tag) \(crypto.suite) local \(crypto.localKey) remote \(crypto.remoteKeys.map(\.description).joined(separator: ";"))")
        } else {
            lines.append("  crypto: none")
        }
    }
    return lines
}

/// The text form of a negotiation failure.
func render(_ error: NegotiationError) -> String {
    switch error {
    case .noAcceptableMedia(let failures):
        return "error: no acceptable media: " + failures.map { "\($0.index) \($0.reason.rawValue)" }.joined(separator: ", ")
    case .streamCountMismatch(let offered, let answered):
        return "error: stream count mismatch: offered \(offered), answered \(answered)"
    case .mediaMismatch(let index):
        return "error: media mismatch at \(index)"
    case .unofferedCrypto(let index):
        return "error: unoffered crypto at \(index)"
    }
}
