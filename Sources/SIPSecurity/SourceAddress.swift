#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A peer's IP address (4 or 16 bytes) without its port: the unit that rate limits and bans
/// count by. Decoded from and encoded as its text form.
public struct SourceAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses dotted IPv4 or RFC 4291 §2.2 IPv6 text (brackets and a `%zone` are stripped);
    /// nil for anything else.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var storage = [UInt8](repeating: 0, count: 16)
        let family = text.utf8.contains(UInt8(ascii: ":")) ? AF_INET6 : AF_INET
        let result = storage.withUnsafeMutableBytes { inet_pton(family, String(text), $0.baseAddress) }
        guard result == 1 else { return nil }
        bytes = family == AF_INET ? Array(storage.prefix(4)) : storage
    }

    /// Wraps raw bytes; nil unless there are 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var output = [CChar](repeating: 0, count: 64)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { inet_ntop(family, input.baseAddress, $0.baseAddress, 64) != nil }
        }
        guard ok else { return "?" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.bytes.count != rhs.bytes.count ? lhs.bytes.count < rhs.bytes.count : lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = SourceAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IP address: \(text)"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An address block in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3): `192.0.2.0/24`,
/// `2001:db8::/32`, or a single address.
public struct AddressPrefix: Hashable, Sendable, Codable, CustomStringConvertible {
    public let network: SourceAddress
    public let length: Int

    /// Parses `address[/length]`; nil for a malformed address or an out-of-range length.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = SourceAddress(String(parts[0])) else { return nil }
        let maximum = address.bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        self.network = address
        self.length = length
    }

    /// Whether `address` is inside the block (IPv4 and IPv6 never match each other).
    public func contains(_ address: SourceAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = length
        for index in network.bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if network.bytes[index] & mask != address.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(length)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let prefix = AddressPrefix(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a CIDR block: \(text)"))
        }
        self = prefix
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
