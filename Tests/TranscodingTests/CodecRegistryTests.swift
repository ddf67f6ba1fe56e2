import Testing
@testable import Transcoding

@Suite struct CodecRegistryTests {
    @Test func standardFormatsResolveCaseInsensitively() throws {
        let registry = CodecRegistry.standard
        #expect(try registry.makeCodec(for: CodecFormat(encodingName: "pcmu", clockRate: 8000)).name == "PCMU")
        #expect(try registry.makeCodec(for: .pcma).name == "PCMA")
        let g722 = try registry.makeCodec(for: .g722)
        #expect(g722.rtpClockRate == 8000 && g722.sampleRate == 16000)
        #expect(try registry.makeCodec(for: CodecFormat(encodingName: "L16", clockRate: 48000)).sampleRate == 48000)
        #expect(try registry.makeCodec(for: CodecFormat(encodingName: "OPUS", clockRate: 48000, channels: 2)).rtpClockRate == 48000)
    }

    @Test func unknownFormatsAreRejected() {
        let registry = CodecRegistry.standard
        for format in [CodecFormat(encodingName: "G729", clockRate: 8000), CodecFormat(encodingName: "PCMU", clockRate: 16000),
                       CodecFormat(encodingName: "opus", clockRate: 48000, channels: 1), CodecFormat(encodingName: "L16", clockRate: 44100)] {
            #expect(!registry.supports(format))
            #expect(throws: CodecError.unsupportedFormat(format)) { try registry.makeCodec(for: format) }
        }
    }

    @Test func opusFmtpShapesTheEncoder() throws {
        let format = CodecFormat(encodingName: "opus", clockRate: 48000, channels: 2,
                                 fmtp: "maxplaybackrate=16000; stereo=1; sprop-stereo=0;useinbandfec=1; usedtx=1; maxaveragebitrate=24000")
        let codec = try #require(try CodecRegistry.standard.makeCodec(for: format, settings: CodecSettings(opusComplexity: 8)) as? OpusCodec)
        let configuration = codec.configuration
        #expect(configuration.channels == 2)
        #expect(configuration.bitrate == 24000)
        #expect(configuration.inbandFEC && configuration.dtx && !configuration.constantBitrate)
        #expect(configuration.maxPlaybackRate == 16000)
        #expect(configuration.complexity == 8)
        #expect(codec.sampleRate == 48000)
    }

    @Test func opusDefaultsAndLimits() {
        let plain = OpusConfiguration()
        #expect(plain.channels == 1 && plain.bitrate == 32000 && plain.complexity == 5)
        #expect(!plain.inbandFEC && !plain.dtx && plain.maxPlaybackRate == 48000)
        let clamped = OpusConfiguration(parameters: FormatParameters("maxaveragebitrate=1000000;maxplaybackrate=11025;cbr=1"), complexity: 42)
        #expect(clamped.bitrate == 510_000 && clamped.maxPlaybackRate == 12000 && clamped.complexity == 10 && clamped.constantBitrate)
    }

    @Test func opusCodesAtThePreferredRate() throws {
        let narrow = try CodecRegistry.standard.makeCodec(for: .opus, settings: CodecSettings(preferredSampleRate: 8000))
        #expect(narrow.sampleRate == 8000)
        let wide = try CodecRegistry.standard.makeCodec(for: .opus, settings: CodecSettings(preferredSampleRate: 16000))
        #expect(wide.sampleRate == 16000)
        #expect(try CodecRegistry.standard.makeCodec(for: .opus).sampleRate == 48000)
    }

    @Test func fmtpParsing() {
        let parameters = FormatParameters(" a=1 ;B=two;;flag ; c = 3 ")
        #expect(parameters["a"] == "1" && parameters["b"] == "two" && parameters["FLAG"] == "" && parameters.integer("c") == 3)
        #expect(parameters["missing"] == nil && parameters.flag("a") == true)
        let many = FormatParameters((0..<100).map { "p\($0)=\($0)" }.joined(separator: ";"))
        #expect(many["p31"] == "31" && many["p32"] == nil, "at most \(FormatParameters.maximumCount) kept")
    }

    @Test func registeringReplacesAnEntry() throws {
        var registry = CodecRegistry()
        registry.register(name: "PCMU", clockRate: 8000) { _, _ throws(CodecError) in G711Codec(law: .alaw) }
        registry.register(name: "pcmu", clockRate: 8000) { _, _ throws(CodecError) in G711Codec(law: .ulaw) }
        #expect(registry.registeredFormats.count == 1)
        #expect(try registry.makeCodec(for: .pcmu).name == "PCMU")
    }
}
