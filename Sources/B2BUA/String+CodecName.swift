extension String {
    /// Whether two codec names are equal ignoring case, as `lowercased() ==` decides it, without
    /// building the lower-cased copies for ASCII names (every real one).
    func sameCodecName(as other: String) -> Bool {
        let left = utf8, right = other.utf8
        guard left.allSatisfy({ $0 < 0x80 }), right.allSatisfy({ $0 < 0x80 }) else {
            return lowercased() == other.lowercased()
        }
        return left.elementsEqual(right) { Self.asciiLower($0) == Self.asciiLower($1) }
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
