/// The H.264 `fmtp` parameters that decide whether two configurations match (RFC 6184 §8.1,
/// §8.2.2): `profile-level-id` (profile_idc, profile-iop, level_idc as six hex digits) and
/// `packetization-mode`.
public struct H264Parameters: Sendable, Hashable {
    /// `profile_idc` (66 Baseline, 77 Main, 88 Extended, 100 High …).
    public var profileIDC: UInt8
    /// `profile-iop`: the constraint_set flags.
    public var profileIOP: UInt8
    /// `level_idc` (10 × level: 31 for 3.1).
    public var levelIDC: UInt8
    /// `packetization-mode`: 0 single NAL unit, 1 non-interleaved, 2 interleaved.
    public var packetizationMode: Int

    /// Baseline profile at level 1 (`42000A`): the default when `profile-level-id` is absent
    /// (RFC 6184 §8.1).
    public static let defaultProfileLevelID: (UInt8, UInt8, UInt8) = (0x42, 0x00, 0x0A)

    /// Reads the parameters; absent or malformed values take the RFC 6184 §8.1 defaults
    /// (Baseline level 1, packetization-mode 0).
    public init(formatParameters: FormatParameters?) {
        (profileIDC, profileIOP, levelIDC) = Self.defaultProfileLevelID
        packetizationMode = 0
        guard let formatParameters else { return }
        if let text = formatParameters.value(for: "profile-level-id"), text.utf8.count == 6,
           let value = UInt32(text, radix: 16) {
            profileIDC = UInt8(truncatingIfNeeded: value >> 16)
            profileIOP = UInt8(truncatingIfNeeded: value >> 8)
            levelIDC = UInt8(truncatingIfNeeded: value)
        }
        if let mode = formatParameters.value(for: "packetization-mode").flatMap({ Int($0) }) {
            packetizationMode = mode
        }
    }

    /// The profile family used for matching. Constrained Baseline is signalled several ways
    /// (42 with constraint_set1, 4D with constraint_set0, 58 with set0+set1) and is decodable
    /// by every Baseline decoder, so Baseline and Constrained Baseline count as one family here:
    /// a door sending `42801F` and a phone accepting `42E01F` interwork in practice.
    var profileFamily: Int {
        switch profileIDC {
        case 0x42: return 0x42
        case 0x4D: return profileIOP & 0x80 != 0 ? 0x42 : 0x4D
        case 0x58: return profileIOP & 0xC0 == 0xC0 ? 0x42 : 0x58
        default: return Int(profileIDC)
        }
    }

    /// RFC 6184 §8.2.2: the same packetization mode and the same profile; the level may differ
    /// (the answer then names the lower one).
    public func isCompatible(with other: H264Parameters) -> Bool {
        packetizationMode == other.packetizationMode && profileFamily == other.profileFamily
    }

    /// The answer's parameters for an offered configuration (RFC 6184 §8.2.2): the offer's
    /// profile and flags, the lower of the two levels, the offer's packetization mode. Level 1b
    /// (level_idc 11 with constraint_set3) is compared by number only.
    public func answer(to offered: H264Parameters) -> H264Parameters {
        var result = offered
        result.levelIDC = min(levelIDC, offered.levelIDC)
        return result
    }

    /// `profile-level-id=42e01f;packetization-mode=1` (lower-case hex).
    public var formatParameterText: String {
        "profile-level-id=\(hex(profileIDC))\(hex(profileIOP))\(hex(levelIDC));packetization-mode=\(packetizationMode)"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
