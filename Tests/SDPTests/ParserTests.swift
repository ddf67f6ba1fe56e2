import NIOCore
import SDP
import Testing

@Suite struct ParserTests {
    static let canonicalFixtures = ["rfc8866-example.sdp", "multicast-seminar.sdp", "ipv6-unknown-attributes.sdp"]

    @Test(arguments: canonicalFixtures)
    func canonicalFixtureRoundTripsByteForByte(_ name: String) throws {
        let bytes = try Fixtures.data("sdp", name)
        let description = try SDPParser().parse(bytes)
        #expect(description.bytes == bytes)
    }

    @Test func rfc8866ExampleFields() throws {
        let sdp = try SDPParser().parse(try Fixtures.data("sdp", "rfc8866-example.sdp"))
        #expect(sdp.origin == Origin(username: "jdoe", sessionID: "3724394400", sessionVersion: "3724394405",
                                     address: "198.51.100.1"))
        #expect(sdp.sessionName == "Call to John Smith")
        #expect(sdp.information == "SDP Offer #1")
        #expect(sdp.uri == "http://www.jdoe.example.com/home.html")
        #expect(sdp.emails == ["Jane Doe <jane@jdoe.example.com>"])
        #expect(sdp.phones == ["+1 617 555-6011"])
        #expect(sdp.media.count == 3)
        #expect(sdp.media.map(\.port) == [49170, 49180, 51372])
        #expect(sdp.connection(ofMedia: 0)?.address == "198.51.100.1")
        #expect(sdp.connection(ofMedia: 2) == Connection(addressType: "IP6", address: "2001:db8::2"))
        #expect(sdp.media[2].rtpMap(for: 99) == RTPMap(payloadType: 99, encodingName: "h263-1998", clockRate: 90000))
        #expect(sdp.media[0].rtpMap(for: 0)?.encodingName == "PCMU")
    }

    @Test func multicastTimingAndBandwidth() throws {
        let sdp = try SDPParser().parse(try Fixtures.data("sdp", "multicast-seminar.sdp"))
        #expect(sdp.connection == Connection(address: "233.252.0.1", ttl: 127, addressCount: 3))
        #expect(sdp.bandwidths == [Bandwidth(type: "CT", value: 384)])
        #expect(sdp.timings == [Timing(start: "3034423619", stop: "3042462419",
                                       repeats: ["7d 1h 0 25h", "604800 3600 0 90000"])])
        #expect(sdp.timeZones == "2882844526 -1h 2898848070 0")
        #expect(sdp.key == "prompt")
        #expect(sdp.attributes.direction == .recvonly)
        #expect(sdp.direction(ofMedia: 0) == .recvonly)
        let audio = sdp.media[0]
        #expect(audio.portCount == 2)
        #expect(audio.information == "Lecture audio")
        #expect(audio.bandwidths == [Bandwidth(type: "TIAS", value: 64000), Bandwidth(type: "AS", value: 80)])
        #expect(audio.key == "clear:secret-key")
        #expect(audio.rtpMap(for: 96)?.channels == 2)
        #expect(sdp.media[1].connections == [Connection(addressType: "IP6", address: "FF1E:db8::1", addressCount: 3)])
        #expect(sdp.media[2].proto == "udp")
        #expect(sdp.media[2].formats == ["wb"])
    }

    @Test func unknownAttributesKeptInOrder() throws {
        let sdp = try SDPParser().parse(try Fixtures.data("sdp", "ipv6-unknown-attributes.sdp"))
        #expect(sdp.attributes == [Attribute("X-custom-session", "keep me")])
        #expect(sdp.media[0].attributes.map(\.name) ==
                ["X-vendor-first", "rtpmap", "rtcp", "rtpmap", "ssrc", "ssrc", "X-vendor-last"])
        #expect(sdp.media[0].attributes.last?.value == "1;2;3")
        #expect(sdp.media[0].rtcp == RTCPAttribute(port: 30001, connection: Connection(addressType: "IP6", address: "2001:db8::10")))
        #expect(sdp.media[0].ssrcs == [SSRCAttribute(ssrc: 2864434397, attribute: "cname", value: "user@example.com"),
                                       SSRCAttribute(ssrc: 2864434397, attribute: "label", value: "audio0")])
        #expect(sdp.origin.addressType == "IP6")
    }

    @Test func lfOnlyAndTrailingBlanksComeOutCanonical() throws {
        let sdp = try SDPParser().parse(try Fixtures.data("sdp", "lf-only-trailing-spaces.sdp"))
        #expect(sdp.text == """
            v=0\r
            o=user1 53655765 2353687637 IN IP4 10.0.0.5\r
            s=-\r
            c=IN IP4 10.0.0.5\r
            t=0 0\r
            m=audio 6000 RTP/AVP 0 8 101\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-15\r
            a=ptime:20.0\r
            a=sendrecv\r

            """)
        #expect(sdp.media[0].ptime == 20)
        // Canonical output is a fixed point.
        #expect(try SessionDescription(parsing: sdp.text).text == sdp.text)
    }

    @Test func parsesFromByteBuffer() throws {
        let buffer = ByteBuffer(bytes: try Fixtures.data("sdp", "rfc8866-example.sdp"))
        let sdp = try SessionDescription(parsing: buffer)
        var out = ByteBuffer()
        sdp.write(to: &out)
        #expect(out == buffer)
    }

    @Test func missingTimingIsTolerated() throws {
        let sdp = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n")
        #expect(sdp.timings.isEmpty)
        #expect(sdp.media.count == 1)
        #expect(sdp.text.contains("t=") == false)
    }

    @Test func mediaLineWithoutFormatsIsTolerated() throws {
        let sdp = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP\r\n")
        #expect(sdp.media[0].formats.isEmpty)
        #expect(sdp.media[0].isRejected)
    }

    @Test func sessionLinesOutOfRfcOrderAreAccepted() throws {
        // Seen in the wild: a= before t=, c= after t=.
        let sdp = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\na=sendonly\r\nt=0 0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n")
        #expect(sdp.direction(ofMedia: 0) == .sendonly)
        #expect(sdp.connection?.address == "10.0.0.1")
    }
}
