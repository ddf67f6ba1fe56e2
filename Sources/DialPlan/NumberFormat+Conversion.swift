extension NumberFormat {
    /// To E.164 with `+`: `00…` → `+…`, `0…` → `+<country>…`; a number that is already E.164 stays;
    /// anything else (short numbers, extensions) is returned unchanged.
    public func toE164(_ number: String) -> String {
        if number.hasPrefix("+") { return number }
        if !internationalPrefix.isEmpty, number.hasPrefix(internationalPrefix) {
            return "+" + number.dropFirst(internationalPrefix.count)
        }
        if !nationalPrefix.isEmpty, number.hasPrefix(nationalPrefix) {
            return "+" + country + number.dropFirst(nationalPrefix.count)
        }
        return number
    }

    /// From E.164 to this trunk's style.
    public func fromE164(_ number: String) -> String {
        guard number.hasPrefix("+") else { return number }
        let digits = String(number.dropFirst())
        switch style {
        case .e164: return number
        case .international: return internationalPrefix + digits
        case .national:
            if digits.hasPrefix(country) { return nationalPrefix + digits.dropFirst(country.count) }
            return internationalPrefix + digits
        }
    }
}

extension Policy {
    /// The categories an E.164 number falls in, with the prefix that decided it.
    public func categories(of e164: String) -> [(DestinationCategory, String)] {
        var found: [(DestinationCategory, String)] = []
        if e164.hasPrefix("+"), !e164.hasPrefix("+" + country) { found.append((.international, "outside +\(country)")) }
        if let prefix = premiumPrefixes.first(where: { e164.hasPrefix($0) }) { found.append((.premium, prefix)) }
        return found
    }
}
