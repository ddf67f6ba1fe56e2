import NIOCore
import RTPCore
import Testing

@Suite struct RTPHeaderTests {
    struct ValidCase: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var marker = false
        var payloadType: UInt8 = 0
        var csrcs: [UInt32] = []
        var extensionProfile: UInt16?
        var extensionData: [UInt8] = []
        var payload: [UInt8]
        var paddingLength = 0
        var testDescription: String { name }
    }

    static let validCases: [ValidCase] = [
        ValidCase(
            name: "fixed header and payload",
            bytes: PacketBytes.rtpHeader().append([1, 2, 3]).bytes,
            payload: [1, 2, 3]),
        ValidCase(
            name: "marker and dynamic payload type",
            bytes: PacketBytes.rtpHeader(marker: true, payloadType: 111).append([9]).bytes,
            marker: true, payloadType: 111, payload: [9]),
        ValidCase(
            name: "empty payload",
            bytes: PacketBytes.rtpHeader(payloadType: 8).bytes,
            payloadType: 8, payload: []),
        ValidCase(
            name: "two CSRCs",
            bytes: PacketBytes.rtpHeader(flags: 0x02).u32(0xAAAA_0001).u32(0xAAAA_0002).append([7, 7]).bytes,
            csrcs: [0xAAAA_0001, 0xAAAA_0002], payload: [7, 7]),
        ValidCase(
            name: "one-byte extension",
            bytes: PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(1).append([0x10, 0xAB, 0, 0]).append([5]).bytes,
            extensionProfile: 0xBEDE, extensionData: [0x10, 0xAB, 0, 0], payload: [5]),
        ValidCase(
            name: "empty extension",
            bytes: PacketBytes.rtpHeader(flags: 0x10).u16(0x1234).u16(0).append([5]).bytes,
            extensionProfile: 0x1234, payload: [5]),
        ValidCase(
            name: "padding",
            bytes: PacketBytes.rtpHeader(flags: 0x20).append([1, 2, 0, 0, 3]).bytes,
            payload: [1, 2], paddingLength: 3),
        ValidCase(
            name: "padding filling everything after the header",
            bytes: PacketBytes.rtpHeader(flags: 0x20).append([0, 0, 0, 4]).bytes,
            payload: [], paddingLength: 4),
        ValidCase(
            name: "CSRC, extension and padding together",
            bytes: PacketBytes.rtpHeader(flags: 0x31, payloadType: 96).u32(0xC5C5_C5C5).u16(0x1000).u16(1)
                .append([3, 1, 0xEE, 0]).append([0xF0, 0x0D]).append([0, 2]).bytes,
            payloadType: 96, csrcs: [0xC5C5_C5C5], extensionProfile: 0x1000, extensionData: [3, 1, 0xEE, 0],
            payload: [0xF0, 0x0D], paddingLength: 2),
    ]

    @Test(arguments: validCases)
    func parsesValidPackets(_ valid: ValidCase) throws {
        let header = try withBytes(valid.bytes) { try RTPHeader(parsing: $0) }
        #expect(header.marker == valid.marker)
        #expect(header.payloadType == valid.payloadType)
        #expect(header.sequenceNumber == 0x1234)
        #expect(header.timestamp == 0xDEAD_BEEF)
        #expect(header.ssrc == 0x0102_0304)
        #expect(header.csrcCount == valid.csrcs.count)
        let csrcs = withBytes(valid.bytes) { bytes in (0..<header.csrcCount).map { header.csrc(at: $0, in: bytes) } }
        #expect(csrcs == valid.csrcs)
        #expect(header.headerExtension?.profile == valid.extensionProfile)
        if let headerExtension = header.headerExtension {
            #expect(slice(valid.bytes, headerExtension.dataRange) == valid.extensionData)
        }
        #expect(slice(valid.bytes, header.payloadRange) == valid.payload)
        #expect(header.paddingLength == valid.paddingLength)
        #expect(header.hasPadding == (valid.paddingLength > 0))
        #expect(header.packetLength == valid.bytes.count)
    }

    struct MalformedCase: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var error: RTPParseError
        var testDescription: String { name }
    }

    static let malformedCases: [MalformedCase] = [
        MalformedCase(name: "empty", bytes: [], error: .tooShort(length: 0, needed: 12)),
        MalformedCase(
            name: "one octet short of the fixed header", bytes: Array(PacketBytes.rtpHeader().bytes.dropLast()),
            error: .tooShort(length: 11, needed: 12)),
        MalformedCase(
            name: "version 0", bytes: [0x00] + PacketBytes.rtpHeader().bytes.dropFirst(), error: .unsupportedVersion(0)),
        MalformedCase(
            name: "version 1", bytes: [0x40] + PacketBytes.rtpHeader().bytes.dropFirst(), error: .unsupportedVersion(1)),
        MalformedCase(
            name: "version 3", bytes: [0xC0] + PacketBytes.rtpHeader().bytes.dropFirst(), error: .unsupportedVersion(3)),
        MalformedCase(
            name: "CSRC count past end", bytes: PacketBytes.rtpHeader(flags: 0x03).u32(1).u32(2).bytes,
            error: .csrcListPastEnd(csrcCount: 3, length: 20)),
        MalformedCase(
            name: "CSRC count 15 with no list", bytes: PacketBytes.rtpHeader(flags: 0x0F).bytes,
            error: .csrcListPastEnd(csrcCount: 15, length: 12)),
        MalformedCase(
            name: "padding larger than the packet", bytes: PacketBytes.rtpHeader(flags: 0x20).append([0, 0, 0, 10]).bytes,
            error: .invalidPadding(paddingLength: 10, available: 4)),
        MalformedCase(
            name: "padding count 0", bytes: PacketBytes.rtpHeader(flags: 0x20).append([1, 0]).bytes,
            error: .invalidPadding(paddingLength: 0, available: 2)),
        MalformedCase(
            name: "padding bit on a bare header", bytes: PacketBytes.rtpHeader(flags: 0x20).bytes,
            error: .invalidPadding(paddingLength: 0x04, available: 0)),
        MalformedCase(
            name: "extension header cut short", bytes: PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).bytes,
            error: .extensionPastEnd(declaredLength: 4, available: 2)),
        MalformedCase(
            name: "extension length past end", bytes: PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(3).u32(0).u32(0).bytes,
            error: .extensionPastEnd(declaredLength: 16, available: 12)),
        MalformedCase(
            name: "extension length 0xFFFF", bytes: PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(0xFFFF).bytes,
            error: .extensionPastEnd(declaredLength: 4 + 4 * 0xFFFF, available: 4)),
        MalformedCase(
            name: "padding eating into the extension", bytes: PacketBytes.rtpHeader(flags: 0x30).u16(0xBEDE).u16(1).append([0x10, 1, 0, 5]).bytes,
            error: .invalidPadding(paddingLength: 5, available: 0)),
        MalformedCase(
            name: "longer than a UDP datagram", bytes: PacketBytes.rtpHeader().bytes + [UInt8](repeating: 0, count: 65_496),
            error: .tooLong(length: 65_508, limit: 65_507)),
    ]

    @Test(arguments: malformedCases)
    func rejectsMalformedPackets(_ malformed: MalformedCase) {
        #expect(throws: malformed.error) {
            try withBytes(malformed.bytes) { try RTPHeader(parsing: $0) }
        }
    }

    @Test func everyTruncationOfAValidPacketIsRejectedOrShorter() {
        let full = PacketBytes.rtpHeader(flags: 0x31).u32(7).u16(0xBEDE).u16(1).append([0x10, 1, 0, 0]).append([1, 2, 3, 0, 2]).bytes
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            // A prefix fails with a typed error unless the whole header (fixed part, CSRC and
            // extension: 24 octets) is still there and its last octet reads as a padding count.
            do {
                let header = try withBytes(prefix) { try RTPHeader(parsing: $0) }
                #expect(header.headerLength == 24, "prefix \(length)")
                #expect(header.packetLength == length)
                #expect(header.paddingLength == Int(prefix[length - 1]))
            } catch {
                #expect(length < 24 || prefix[length - 1] > length - 24 || prefix[length - 1] == 0, "prefix \(length): \(error)")
            }
        }
    }

    @Test func parsesFromByteBufferRelativeToReaderIndex() throws {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF])
        buffer.writeBytes(PacketBytes.rtpHeader(payloadType: 0).append([0xAA, 0xBB]).bytes)
        buffer.moveReaderIndex(forwardBy: 3)
        let header = try buffer.rtpHeader()
        #expect(header.payloadRange == 12..<14)
        #expect(buffer.getBytes(at: buffer.readerIndex + header.payloadRange.lowerBound, length: 2) == [0xAA, 0xBB])
    }

    @Test func rewritesHeaderFieldsInPlace() throws {
        var buffer = ByteBuffer(bytes: PacketBytes.rtpHeader(marker: true, payloadType: 0).append([1, 2, 3]).bytes)
        let rewritten = buffer.rewriteRTPHeader(ssrc: 0xCAFE_BABE, sequenceNumber: 0xFFFF, timestamp: 7, payloadType: 8)
        #expect(rewritten)
        let header = try buffer.rtpHeader()
        #expect(header.ssrc == 0xCAFE_BABE)
        #expect(header.sequenceNumber == 0xFFFF)
        #expect(header.timestamp == 7)
        #expect(header.payloadType == 8)
        #expect(header.marker, "an untouched marker bit survives a payload-type rewrite")
        let cleared = buffer.rewriteRTPHeader(marker: false)
        #expect(cleared)
        #expect(try buffer.rtpHeader().marker == false)
        #expect(try buffer.rtpHeader().payloadType == 8)
        #expect(buffer.getBytes(at: 12, length: 3) == [1, 2, 3])
    }

    @Test func rewriteRefusesShortPacketsAndBadPayloadTypes() {
        var short = ByteBuffer(bytes: [0x80, 0, 0, 0])
        let shortRewritten = short.rewriteRTPHeader(ssrc: 1)
        #expect(!shortRewritten)
        #expect(short.readableBytesView.elementsEqual([0x80, 0, 0, 0]))
        var packet = ByteBuffer(bytes: PacketBytes.rtpHeader().bytes)
        let badTypeRewritten = packet.rewriteRTPHeader(ssrc: 9, payloadType: 128)
        #expect(!badTypeRewritten)
        #expect(packet.readableBytesView.elementsEqual(PacketBytes.rtpHeader().bytes))
    }

    @Test func builderRoundTripsThroughParser() throws {
        var builder = RTPPacketBuilder(marker: true, payloadType: 101, sequenceNumber: 65535, timestamp: 0xFFFF_FFF0, ssrc: 42)
        builder.csrcs = [1, 2]
        try builder.setOneByteExtension([(id: 1, data: [0x80]), (id: 3, data: [1, 2, 3])])
        builder.paddingLength = 3
        var buffer = ByteBuffer()
        let written = try builder.write(payload: [0xDE, 0xAD], to: &buffer)
        #expect(written == buffer.readableBytes)
        #expect(written == 12 + 8 + 4 + 8 + 2 + 3)
        let header = try buffer.rtpHeader()
        #expect(header.marker && header.payloadType == 101 && header.sequenceNumber == 65535)
        #expect(header.timestamp == 0xFFFF_FFF0 && header.ssrc == 42 && header.csrcCount == 2)
        #expect(header.paddingLength == 3)
        #expect(buffer.getBytes(at: header.payloadRange.lowerBound, length: header.payloadRange.count) == [0xDE, 0xAD])
        let ids = try buffer.withUnsafeReadableBytes { bytes throws -> [UInt8] in
            var elements = try #require(header.extensionElements)
            var ids: [UInt8] = []
            while let element = try elements.next(in: bytes) { ids.append(element.id) }
            return ids
        }
        #expect(ids == [1, 3])
    }

    @Test func builderRejectsOutOfRangeFields() {
        var buffer = ByteBuffer()
        #expect(throws: RTPBuildError.payloadTypeOutOfRange(200)) {
            try RTPPacketBuilder(payloadType: 200, sequenceNumber: 0, timestamp: 0, ssrc: 0).write(payload: [], to: &buffer)
        }
        var builder = RTPPacketBuilder(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0)
        builder.csrcs = Array(repeating: 1, count: 16)
        #expect(throws: RTPBuildError.tooManyCSRCs(16)) { try builder.write(payload: [], to: &buffer) }
        builder.csrcs = []
        builder.paddingLength = 256
        #expect(throws: RTPBuildError.invalidPadding(256)) { try builder.write(payload: [], to: &buffer) }
        #expect(throws: RTPBuildError.invalidExtensionID(15)) { try builder.setOneByteExtension([(id: 15, data: [1])]) }
        #expect(throws: RTPBuildError.invalidExtensionElementLength(17)) {
            try builder.setOneByteExtension([(id: 1, data: Array(repeating: 0, count: 17))])
        }
        #expect(buffer.readableBytes == 0, "a rejected packet writes nothing")
    }
}
