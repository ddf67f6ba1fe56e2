/// An `a=` line (RFC 8866 §5.13): a property `a=<name>` or a value `a=<name>:<value>`.
///
/// Every attribute is kept in order with its value verbatim; typed views such as ``RTPMap`` or
/// ``CryptoAttribute`` parse the value on demand, so attributes Gatehouse does not know pass
/// through untouched.
public struct Attribute: Sendable, Hashable {
    /// The name before the colon, as written (`rtpmap`, `sendrecv`, `X-nat` …).
    public var name: String
    /// The text after the first colon, or nil for a property attribute.
    public var value: String?

    /// Creates an attribute.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with this name (compared case-insensitively, as
    /// attribute names are in practice), or nil.
    public func first(named name: String) -> Attribute? {
        first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Every attribute with this name, in order.
    public func all(named name: String) -> [Attribute] {
        filter { $0.name.caseInsensitiveEquals(name) }
    }

    /// True when a property or value attribute with this name is present.
    public func contains(named name: String) -> Bool {
        contains { $0.name.caseInsensitiveEquals(name) }
    }
}

extension String {
    /// ASCII case-insensitive comparison (SDP tokens are ASCII).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let lhs = self.utf8, rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        // Contiguous UTF-8 (every native string): compared on the buffers.
        if let result = lhs.withContiguousStorageIfAvailable({ left in
            rhs.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where left[index].asciiLowercased != right[index].asciiLowercased {
                    return false
                }
                return true
            }
        }), let result {
            return result
        }
        for (a, b) in zip(lhs, rhs) where a.asciiLowercased != b.asciiLowercased {
            return false
        }
        return true
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 {
        (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")) ? self + 32 : self
    }
}
