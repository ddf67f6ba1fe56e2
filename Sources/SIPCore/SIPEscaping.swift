/// Percent-escaping of URI components (RFC 3261 §19.1.2, §25.1 `escaped = "%" HEXDIG HEXDIG`).
///
/// URI components are kept in their wire form (escapes in place) so that a parsed URI writes back
/// unchanged and so that §19.1.4 comparison can tell an escaped reserved character from a literal
/// one. These helpers convert between wire form and plain text.
public enum SIPEscaping {
    /// Which characters a component may carry unescaped.
    public enum Component: Sendable {
        /// The user part (RFC 3261 `user`).
        case user
        /// The password (RFC 3261 `password`).
        case password
        /// A URI parameter name or value (RFC 3261 `paramchar`).
        case parameter
        /// A URI header name or value (RFC 3261 `hname` / `hvalue`).
        case header

        var allowed: ByteClass {
            switch self {
            case .user: SIPChars.user
            case .password: SIPChars.password
            case .parameter: SIPChars.paramChar
            case .header: SIPChars.headerChar
            }
        }
    }

    /// Escapes every byte of `plain` that `component` does not allow literally.
    public static func escape(_ plain: String, for component: Component) -> String {
        let allowed = component.allowed
        var output: [UInt8] = []
        output.reserveCapacity(plain.utf8.count)
        for byte in plain.utf8 {
            if allowed.contains(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Resolves every `%HH` escape of `wire`; returns nil if an escape is malformed or the result
    /// is not UTF-8.
    public static func unescape(_ wire: String) -> String? {
        guard wire.utf8.contains(UInt8(ascii: "%")) else { return wire }
        var output: [UInt8] = []
        output.reserveCapacity(wire.utf8.count)
        var iterator = wire.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                output.append(high << 4 | low)
            } else {
                output.append(byte)
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    /// The comparison form of RFC 3261 §19.1.4: escapes of unreserved characters are resolved,
    /// escapes of reserved characters are kept with upper-case hex digits, and when
    /// `caseInsensitive` every literal letter is lower-cased.
    static func comparisonForm(_ wire: String, caseInsensitive: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(wire.utf8.count)
        var iterator = wire.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"),
               let highDigit = iterator.next(), let lowDigit = iterator.next(),
               let high = hexValue(highDigit), let low = hexValue(lowDigit) {
                let decoded = high << 4 | low
                if SIPChars.reserved.contains(decoded) || decoded == UInt8(ascii: "%") {
                    output.append(UInt8(ascii: "%"))
                    output.append(hexDigit(high))
                    output.append(hexDigit(low))
                } else {
                    output.append(caseInsensitive ? ASCII.lower(decoded) : decoded)
                }
            } else {
                output.append(caseInsensitive ? ASCII.lower(byte) : byte)
            }
        }
        return output
    }

    /// §19.1.4 equality of two wire-form components.
    static func componentsEqual(_ lhs: String, _ rhs: String, caseInsensitive: Bool) -> Bool {
        let lhsEscaped = lhs.utf8.contains(UInt8(ascii: "%"))
        let rhsEscaped = rhs.utf8.contains(UInt8(ascii: "%"))
        if !lhsEscaped && !rhsEscaped {
            return caseInsensitive ? ASCII.equalsIgnoringCase(lhs, rhs) : lhs == rhs
        }
        return comparisonForm(lhs, caseInsensitive: caseInsensitive)
            == comparisonForm(rhs, caseInsensitive: caseInsensitive)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
