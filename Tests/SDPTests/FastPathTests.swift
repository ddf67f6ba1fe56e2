@testable import SDP
import TestSupport
import Testing

/// The byte fast paths of the parser agree with the `String` grammar: whatever a fast path
/// accepts, the grammar accepts with the same value; what it leaves (nil) the grammar decides.
@Suite struct FastPathTests {
    /// Runs `body` with the value's bytes as the parser sees them.
    func withBytes<T>(_ text: String, _ body: (LineBytes) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer { body($0) }
    }

    static let origins = [
        "- 1 1 IN IP4 10.0.0.1", "user1  53655765 2353687637 IN IP4 127.0.0.1", "- 1 x IN IP4 10.0.0.1",
        "- 1 IN IP4 10.0.0.1", "- 1 1 IN IP4 10.0.0.1 extra", "\t- 1\t1 IN IP6 ::1 ", "- 1 1 IN IP4 hôte",
        "- 1 -1 IN IP4 10.0.0.1", "", "-",
    ]
    static let connections = [
        "IN IP4 10.0.0.1", "IN ip4 192.168.100.200", "IN IP4 10.0.0.300", "IN IP4 1.2.3", "IN IP4 1.2.3.4.5",
        "IN IP4 01.002.3.4", "IN IP4 0001.2.3.4", "IN IP4 1..2.3", "IN IP4 .1.2.3", "IN IP4 host.example.com",
        "IN IP4 224.2.1.1/127", "IN IP4 224.2.1.1/127/3", "IN IP4 10.0.0.1/x", "IN IP6 ::1", "IN IP6 ff15::101/3",
        "IN IP4", "IN IP4 10.0.0.1 x", "IN X25 abc", "IN IP4 1.2.3.", "IN  IP4\t10.0.0.1", "IN IP4 0.0.0.0",
        "IN IP4 255.255.255.255", "IN IP4 256.1.1.1", "IN IP4 /", "IN IP4 1/2/3/4",
    ]
    static let timings = ["0 0", "3034423619 3042462419", "now 0", "0", "0 0 0", "0  0", "-1 0", ""]
    static let bandwidths = ["AS:64", "TIAS:64000", "AS:", ":64", "AS:x", "AS:-1", "AS:1234567890123456789", "AS", "X-YZ:0"]
    static let media = [
        "audio 4000 RTP/AVP 0", "audio 4000 RTP/AVP 0 8 101", "video 0 RTP/AVP 96", "audio 70000 RTP/AVP 0",
        "audio 4000 RTP/AVP 128", "audio 4000 RTP/AVP abc", "audio 4000/2 RTP/AVP 0", "audio 4000/0 RTP/AVP 0",
        "image 4000 udptl t38", "audio 4000 RTP/AVP", "audio RTP/AVP", "audio 4000", "application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "audio 04000 RTP/AVP 000", "audio 4000 rtp/savpf 0", "audio  4000\tRTP/AVP  0 ", "audio 65535 RTP/AVP 127",
        "audio 123456 RTP/AVP 0", "audio -1 RTP/AVP 0", "audio 4000 RTP/AVP 0 1234",
    ]
    static let attributes = [
        "sendrecv", "rtpmap:0 PCMU/8000", "rtpmap:96 opus/48000/2", "rtpmap:96", "rtpmap:96 opus",
        "rtpmap:96 opus/fast/2", "rtpmap:200 opus/48000", "rtpmap:96 /8000", "rtpmap:96 opus/8000/",
        "rtpmap:96 opus/0", "rtpmap:96 a/8000/1/2", "rtpmap:96  opus/8000", "rtpmap:96 opus/8000 x", "RTPMAP:8 PCMA/8000",
        "rtpmap:0008 PCMA/8000", "fmtp:101 0-15", "fmtp:101", "fmtp: 101 0-15", "fmtp:\t101", "fmtp:", "fmtp",
        "ptime:20", "ptime:20.5", "ptime:twenty", "ptime:1234567", "maxptime:40", "ptime:", "ptime",
        "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
        "crypto:x AES_CM_128_HMAC_SHA1_80 inline:abc", "setup:actpass", "setup:sometimes", "mid:0", "mid:",
        "rtcp:9 IN IP4 0.0.0.0", "ssrc:1 cname:x", "rtcp-fb:96 nack", "fingerprint:sha-256 AB:CD",
        "X-nat:0", ":x", "a b:c", "name:", "name:value:more", "näme:x", "name\t:x", "ice-ufrag:abcd",
    ]

    @Test(arguments: origins) func originFastPathAgrees(_ text: String) {
        let fast = withBytes(text) { SessionDescriptionBuilder.fastOrigin($0) }
        if let fast { #expect(fast == (try? SessionDescriptionBuilder.parseOrigin(text))) }
    }

    @Test(arguments: connections) func connectionFastPathAgrees(_ text: String) {
        let fast = withBytes(text) { SessionDescriptionBuilder.fastConnection($0) }
        if let fast { #expect(fast == (try? SessionDescriptionBuilder.parseConnection(text))) }
    }

    @Test(arguments: timings) func timingFastPathAgrees(_ text: String) {
        let fast = withBytes(text) { SessionDescriptionBuilder.fastTiming($0) }
        if let fast { #expect(fast == (try? SessionDescriptionBuilder.parseTiming(text))) }
    }

    @Test(arguments: bandwidths) func bandwidthFastPathAgrees(_ text: String) {
        let fast = withBytes(text) { SessionDescriptionBuilder.fastBandwidth($0) }
        if let fast { #expect(fast == (try? SessionDescriptionBuilder.parseBandwidth(text))) }
    }

    @Test(arguments: media) func mediaFastPathAgrees(_ text: String) {
        let builder = SessionDescriptionBuilder(limits: .init())
        let fast = withBytes(text) { builder.fastMedia($0) }
        if let fast { #expect(fast == (try? builder.parseMedia(text))) }
    }

    @Test(arguments: attributes) func attributeFastPathAgrees(_ text: String) {
        var builder = SessionDescriptionBuilder(limits: .init())
        let fast = withBytes(text) { SessionDescriptionBuilder.fastAttribute($0) }
        if let fast { #expect(fast == (try? builder.parseAttribute(text))) }
    }

    /// The fast paths do take the shapes real devices send (else they would save nothing).
    @Test func commonShapesTakeTheFastPath() {
        let builder = SessionDescriptionBuilder(limits: .init())
        #expect(withBytes("user1 53655765 2353687637 IN IP4 127.0.0.1") { SessionDescriptionBuilder.fastOrigin($0) } != nil)
        #expect(withBytes("IN IP4 192.168.1.20") { SessionDescriptionBuilder.fastConnection($0) } != nil)
        #expect(withBytes("0 0") { SessionDescriptionBuilder.fastTiming($0) } != nil)
        #expect(withBytes("audio 4000 RTP/AVP 0 8 101") { builder.fastMedia($0) } != nil)
        for text in ["rtpmap:0 PCMU/8000", "rtpmap:111 opus/48000/2", "fmtp:101 0-16", "ptime:20", "sendrecv"] {
            #expect(withBytes(text) { SessionDescriptionBuilder.fastAttribute($0) } != nil, "\(text)")
        }
    }

    /// Random lines over the separators and digits the grammar cares about: every fast answer
    /// is the grammar's answer.
    @Test func randomLinesAgree() {
        var rng = SplitMix64(state: 0x5D9_0515)
        let alphabet = Array(" \t/:.0123456789abAIPNxé-".unicodeScalars)
        let builder = SessionDescriptionBuilder(limits: .init())
        var checked = 0
        for round in 0..<4000 {
            let seeds = [Self.origins, Self.connections, Self.timings, Self.bandwidths, Self.media, Self.attributes]
            let seed = seeds[round % seeds.count].randomElement(using: &rng) ?? ""
            var scalars = Array(seed.unicodeScalars)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let index = scalars.isEmpty ? 0 : Int.random(in: 0...scalars.count, using: &rng)
                let scalar = alphabet.randomElement(using: &rng) ?? " "
                if index < scalars.count, Bool.random(using: &rng) { scalars[index] = scalar } else { scalars.insert(scalar, at: index) }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            withBytes(text) { bytes in
                if let fast = SessionDescriptionBuilder.fastOrigin(bytes) { #expect(fast == (try? SessionDescriptionBuilder.parseOrigin(text))); checked += 1 }
                if let fast = SessionDescriptionBuilder.fastConnection(bytes) { #expect(fast == (try? SessionDescriptionBuilder.parseConnection(text))); checked += 1 }
                if let fast = SessionDescriptionBuilder.fastTiming(bytes) { #expect(fast == (try? SessionDescriptionBuilder.parseTiming(text))); checked += 1 }
                if let fast = SessionDescriptionBuilder.fastBandwidth(bytes) { #expect(fast == (try? SessionDescriptionBuilder.parseBandwidth(text))); checked += 1 }
                if let fast = builder.fastMedia(bytes) { #expect(fast == (try? builder.parseMedia(text))); checked += 1 }
                var counting = builder
                if let fast = SessionDescriptionBuilder.fastAttribute(bytes) { #expect(fast == (try? counting.parseAttribute(text)), "\(text)"); checked += 1 }
            }
        }
        #expect(checked > 1000)
    }

    /// Numbers and optional parts serialize as `String(_:)` writes them.
    @Test func serializerWritesNumbersAndSuffixes() throws {
        var description = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: "2", address: "10.0.0.1"))
        description.version = -1
        description.connection = Connection(address: "224.2.1.1", ttl: 127, addressCount: 3)
        description.bandwidths = [Bandwidth(type: "AS", value: UInt64.max)]
        var stream = MediaDescription(media: "video", port: 0, portCount: 1_000_000, proto: "RTP/AVP", formats: ["31", "96"])
        stream.connections = [Connection(networkType: "IN", addressType: "IP6", address: "ff15::101", addressCount: 10)]
        stream.attributes = [Attribute("recvonly"), Attribute("rtpmap", "96 H264/90000"), Attribute("x", "")]
        description.media = [stream, MediaDescription(media: "audio", port: 65535, proto: "RTP/AVP", formats: [])]
        let expected = "v=-1\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 224.2.1.1/127/3\r\n"
            + "b=AS:18446744073709551615\r\nt=0 0\r\nm=video 0/1000000 RTP/AVP 31 96\r\n"
            + "c=IN IP6 ff15::101/10\r\na=recvonly\r\na=rtpmap:96 H264/90000\r\na=x:\r\nm=audio 65535 RTP/AVP\r\n"
        #expect(description.text == expected)
        #expect(description.bytes == Array(expected.utf8))
        #expect(stream.text == "m=video 0/1000000 RTP/AVP 31 96\r\nc=IN IP6 ff15::101/10\r\na=recvonly\r\na=rtpmap:96 H264/90000\r\na=x:\r\n")
        #expect(description.connection?.text == "IN IP4 224.2.1.1/127/3")
    }

    /// `a=ptime`/`a=maxptime` values read on bytes: whole milliseconds, fractions truncated,
    /// spaces around allowed, anything else nil.
    @Test(arguments: [
        ("20", 20), ("20.0", 20), ("22.5", 22), (" 30\t", 30), ("20.", 20), ("000020", 20), ("999999", 999999),
        ("1234567", nil), ("", nil), ("  ", nil), (".5", nil), ("20.5.1", nil), ("2 0", nil), ("-20", nil),
        ("20ms", nil), ("20.x", nil), ("20.1234567891", nil), ("20.123456789", 20), ("２０", nil), ("20 \u{301}", nil),
    ] as [(String, Int?)])
    func millisecondsAreReadOnBytes(text: String, expected: Int?) {
        #expect(parseMilliseconds(text) == expected)
    }
}
