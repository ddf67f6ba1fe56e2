/// A set of payload type numbers as a bitmap: what the negotiator marks as taken while it
/// numbers or matches formats, without the allocation of a `Set<UInt8>`.
struct PayloadTypeSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    func contains(_ payloadType: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(payloadType & 63)
        switch payloadType >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ payloadType: UInt8) {
        let bit = UInt64(1) << UInt64(payloadType & 63)
        switch payloadType >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }
}
