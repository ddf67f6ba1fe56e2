/// The replay list of one SRTP or SRTCP stream (RFC 3711 §3.3.2): the highest index accepted and
/// a bitmap of the `size` (at most 128) indices below it, without allocation.
struct SRTPReplayWindow {
    /// Largest window this type keeps (two 64-bit words).
    static let maximumSize = 128

    let size: Int
    /// The highest index accepted, nil before the first packet.
    private(set) var highest: UInt64?
    /// Bit d of (high, low): index `highest - d` was accepted.
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(size: Int) {
        self.size = min(max(1, size), Self.maximumSize)
    }

    /// Whether `index` may be accepted: newer than the highest, or inside the window and not seen.
    func allows(_ index: UInt64) -> Bool {
        guard let highest, index <= highest else { return true }
        let distance = highest - index
        guard distance < UInt64(size) else { return false }
        return !bit(Int(distance))
    }

    /// Records `index` as accepted (after its tag verified).
    mutating func accept(_ index: UInt64) {
        guard let current = highest else {
            highest = index
            low = 1
            return
        }
        if index > current {
            shift(by: index - current)
            highest = index
            low |= 1
        } else {
            set(Int(current - index))
        }
    }

    private func bit(_ distance: Int) -> Bool {
        distance < 64 ? low & (1 << UInt64(distance)) != 0 : high & (1 << UInt64(distance - 64)) != 0
    }

    private mutating func set(_ distance: Int) {
        guard distance < Self.maximumSize else { return }
        if distance < 64 { low |= 1 << UInt64(distance) } else { high |= 1 << UInt64(distance - 64) }
    }

    private mutating func shift(by amount: UInt64) {
        switch amount {
        case 0: return
        case 1..<64:
            high = (high << amount) | (low >> (64 - amount))
            low <<= amount
        case 64..<128:
            high = low << (amount - 64)
            low = 0
        default:
            high = 0
            low = 0
        }
    }
}
