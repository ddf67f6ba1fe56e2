// Hand-built RTCP packets (RFC 3550 §6.4–6.7, RFC 4585 §6, RFC 5104 §4.3).

enum RTCPTestPackets {
    /// Common header: V=2, P, count, PT, length in words minus one computed from `body`.
    static func packet(count: UInt8, type: UInt8, body: [UInt8], padding: Bool = false) -> [UInt8] {
        let header = PacketBytes()
        header.u8(0x80 | (padding ? 0x20 : 0) | count)
        header.u8(type)
        header.u16(UInt16((body.count + 4) / 4 - 1))
        return header.bytes + body
    }

    static func reportBlock(ssrc: UInt32, fraction: UInt8, lost: Int32, highest: UInt32, jitter: UInt32) -> [UInt8] {
        let block = PacketBytes()
        block.u32(ssrc)
        block.u32(UInt32(fraction) << 24 | (UInt32(bitPattern: lost) & 0x00FF_FFFF))
        block.u32(highest)
        block.u32(jitter)
        block.u32(0x1111_2222)
        block.u32(0x0000_8000)
        return block.bytes
    }

    static func senderReport(ssrc: UInt32, rtpTimestamp: UInt32, blocks: [[UInt8]]) -> [UInt8] {
        let body = PacketBytes()
        body.u32(ssrc)
        body.u32(0xE000_0000).u32(0x8000_0000)  // NTP
        body.u32(rtpTimestamp)
        body.u32(1000).u32(160_000)
        return packet(count: UInt8(blocks.count), type: 200, body: body.bytes + blocks.flatMap { $0 })
    }

    static func receiverReport(ssrc: UInt32, blocks: [[UInt8]]) -> [UInt8] {
        let body = PacketBytes()
        body.u32(ssrc)
        return packet(count: UInt8(blocks.count), type: 201, body: body.bytes + blocks.flatMap { $0 })
    }

    /// SDES with one chunk carrying a CNAME, null-terminated and padded.
    static func sourceDescription(ssrc: UInt32, cname: String) -> [UInt8] {
        let chunk = PacketBytes()
        chunk.u32(ssrc)
        chunk.u8(1).u8(UInt8(cname.utf8.count)).append(Array(cname.utf8))
        chunk.u8(0)
        while chunk.bytes.count % 4 != 0 { chunk.u8(0) }
        return packet(count: 1, type: 202, body: chunk.bytes)
    }

    static func goodbye(ssrcs: [UInt32], reason: String?) -> [UInt8] {
        let body = PacketBytes()
        for ssrc in ssrcs { body.u32(ssrc) }
        if let reason {
            body.u8(UInt8(reason.utf8.count)).append(Array(reason.utf8))
            while body.bytes.count % 4 != 0 { body.u8(0) }
        }
        return packet(count: UInt8(ssrcs.count), type: 203, body: body.bytes)
    }

    static func feedback(type: UInt8, format: UInt8, sender: UInt32, media: UInt32, fci: [UInt8]) -> [UInt8] {
        let body = PacketBytes()
        body.u32(sender).u32(media)
        return packet(count: format, type: type, body: body.bytes + fci)
    }
}
