import NIOCore
import RTPCore
import Testing

@Suite struct RTPHeaderExtensionTests {
    /// Parses `bytes` and lists every RFC 8285 element as (id, data).
    func elements(of bytes: [UInt8]) throws -> [(UInt8, [UInt8])] {
        try withBytes(bytes) { raw in
            let header = try RTPHeader(parsing: raw)
            var elements = try #require(header.extensionElements)
            var result: [(UInt8, [UInt8])] = []
            while let element = try elements.next(in: raw) {
                result.append((element.id, slice(bytes, element.dataRange)))
            }
            return result
        }
    }

    @Test func oneByteElementsWithPaddingBetween() throws {
        // id 1 with 1 octet, a padding octet, id 2 with L=2 (3 octets), a padding octet.
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(2)
            .append([0x10, 0xAA, 0x00, 0x22, 1, 2, 3, 0]).bytes
        let parsed = try elements(of: packet)
        #expect(parsed.map(\.0) == [1, 2])
        #expect(parsed.map(\.1) == [[0xAA], [1, 2, 3]])
    }

    @Test func oneByteIDFifteenStopsProcessing() throws {
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(2)
            .append([0x10, 0xAA, 0xF3, 0x20, 0x55, 0, 0, 0]).bytes
        let parsed = try elements(of: packet)
        #expect(parsed.map(\.0) == [1])
    }

    @Test func twoByteElementsIncludingEmptyOne() throws {
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(0x1003).u16(2)
            .append([0x05, 0x00, 0x00, 0xFF, 0x02, 0x11, 0x22, 0x00]).bytes
        try withBytes(packet) { raw in
            let header = try RTPHeader(parsing: raw)
            let elements = try #require(header.extensionElements)
            #expect(elements.form == .twoByte(appBits: 3))
        }
        let parsed = try elements(of: packet)
        #expect(parsed.map(\.0) == [5, 255])
        #expect(parsed.map(\.1) == [[], [0x11, 0x22]])
    }

    @Test func elementLookupById() throws {
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(0xBEDE).u16(2)
            .append([0x10, 0xAA, 0x31, 0xBB, 0xCC, 0, 0, 0]).bytes
        try withBytes(packet) { raw in
            let header = try RTPHeader(parsing: raw)
            let elements = try #require(header.extensionElements)
            let element = try #require(try elements.element(id: 3, in: raw))
            #expect(slice(packet, element.dataRange) == [0xBB, 0xCC])
            #expect(try elements.element(id: 4, in: raw) == nil)
        }
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var profile: UInt16
        var data: [UInt8]
        var elementOffset: Int
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "one-byte length past block", profile: 0xBEDE, data: [0x10, 0xAA, 0x03, 0x23], elementOffset: 19),
        Malformed(name: "two-byte element header cut", profile: 0x1000, data: [0, 0, 0, 0x07], elementOffset: 19),
        Malformed(name: "two-byte length past block", profile: 0x1000, data: [0x01, 0x09, 0, 0], elementOffset: 16),
    ]

    @Test(arguments: malformed)
    func malformedElementsAreTypedErrors(_ bad: Malformed) throws {
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(bad.profile).u16(UInt16(bad.data.count / 4)).append(bad.data).bytes
        #expect(throws: RTPParseError.invalidExtensionElement(offset: bad.elementOffset)) {
            _ = try self.elements(of: packet)
        }
    }

    @Test func otherProfilesHaveNoElements() throws {
        let packet = PacketBytes.rtpHeader(flags: 0x10).u16(0xABAC).u16(1).u32(0x1234_5678).bytes
        let header = try withBytes(packet) { try RTPHeader(parsing: $0) }
        #expect(header.headerExtension?.profile == 0xABAC)
        #expect(header.extensionElements == nil)
    }

    @Test func twoByteBuilderRoundTrip() throws {
        var builder = RTPPacketBuilder(payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        try builder.setTwoByteExtension([(id: 200, data: Array(repeating: 7, count: 20)), (id: 1, data: [])], appBits: 5)
        var buffer = ByteBuffer()
        try builder.write(payload: [1], to: &buffer)
        let bytes = Array(buffer.readableBytesView)
        let parsed = try elements(of: bytes)
        #expect(parsed.map(\.0) == [200, 1])
        #expect(parsed.map(\.1.count) == [20, 0])
    }
}
