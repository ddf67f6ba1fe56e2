import SIPCore

// The few header fields transaction matching reads (RFC 3261 §17.1.3, §17.2.3), taken at message
// level without the full value grammars: the top Via's sent-by and the CSeq method. When SIPCore
// offers typed `Via` and `CSeq` accessors, these can read those instead.

extension SIPMessage {
    /// The top Via value (first element of the first Via field), trimmed.
    var topVia: ArraySlice<UInt8>? { headers.first(.via) }

    /// The sent-by (`host[:port]`, RFC 3261 §20.42) of the top Via, lower-cased, or nil when the
    /// Via has no `protocol/version/transport` followed by a sent-by.
    var topViaSentBy: String? {
        guard let via = topVia else { return nil }
        var index = via.startIndex
        // sent-protocol: three tokens separated by "/" with optional LWS around each slash.
        for _ in 0..<2 {
            index = via.skipping(from: index) { $0 != UInt8(ascii: "/") && !$0.isLinearWhitespace }
            index = via.skipping(from: index) { $0.isLinearWhitespace }
            guard index < via.endIndex, via[index] == UInt8(ascii: "/") else { return nil }
            index = via.skipping(from: via.index(after: index)) { $0.isLinearWhitespace }
        }
        index = via.skipping(from: index) { !$0.isLinearWhitespace && $0 != UInt8(ascii: ";") }
        let sentByStart = via.skipping(from: index) { $0.isLinearWhitespace }
        guard sentByStart > index else { return nil }
        let sentByEnd = via.skipping(from: sentByStart) {
            !$0.isLinearWhitespace && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",")
        }
        guard sentByEnd > sentByStart else { return nil }
        // Written straight into the string's storage (per message: no generic lazy decoding).
        let sentBy = via[sentByStart..<sentByEnd]
        return String(unsafeUninitializedCapacity: sentBy.count) { buffer in
            var offset = 0
            for byte in sentBy {
                buffer[offset] = byte.asciiLowercased
                offset += 1
            }
            return offset
        }
    }

    /// The method of the CSeq field (`1*DIGIT LWS Method`, RFC 3261 §20.16), nil when malformed.
    var cseqMethod: SIPMethod? {
        guard let cseq = headers.firstValue(.cseq) else { return nil }
        let digitsEnd = cseq.skipping(from: cseq.startIndex) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let methodStart = cseq.skipping(from: digitsEnd) { $0.isLinearWhitespace }
        guard digitsEnd > cseq.startIndex, methodStart > digitsEnd else { return nil }
        let methodEnd = cseq.skipping(from: methodStart) { !$0.isLinearWhitespace }
        guard methodEnd > methodStart else { return nil }
        return SIPMethod(String(decoding: cseq[methodStart..<methodEnd], as: UTF8.self))
    }
}

extension ArraySlice<UInt8> {
    /// The first index at or after `start` whose byte fails `predicate` (or `endIndex`).
    func skipping(from start: Index, while predicate: (UInt8) -> Bool) -> Index {
        var index = start
        while index < endIndex, predicate(self[index]) { index += 1 }
        return index
    }
}

extension UInt8 {
    var isLinearWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }
    var asciiLowercased: UInt8 { self &- 0x41 < 26 ? self | 0x20 : self }
}
