import Foundation

/// One SDES key (RFC 4568 §6.1, §9.2 `key-params`): `inline:<key||salt base64>[|lifetime][|MKI:length]`.
///
/// Generated locally with the system CSPRNG for our offer or answer, or parsed from the peer's
/// `a=crypto` attribute (the SDP module splits the attribute; this type checks and decodes the key).
public struct SDESKeyParameters: Hashable, Sendable, CustomStringConvertible {
    /// Longest key-params text accepted from a peer.
    public static let maximumTextLength = 512
    /// Largest MKI length in octets (RFC 4568 §6.1: 1 to 128).
    public static let maximumMKILength = 128

    /// The master key (16 octets for the supported suites).
    public var masterKey: [UInt8]
    /// The master salt (14 octets for AES-CM, 12 for GCM).
    public var masterSalt: [UInt8]
    /// The key lifetime in packets (RFC 4568 §6.1), nil for the suite default.
    public var lifetime: UInt64?
    /// The master key identifier carried in each packet (RFC 3711 §3.1) and its length in octets.
    public var mki: (value: UInt64, length: Int)?

    /// A key from its parts.
    public init(masterKey: [UInt8], masterSalt: [UInt8], lifetime: UInt64? = nil, mki: (value: UInt64, length: Int)? = nil) {
        self.masterKey = masterKey
        self.masterSalt = masterSalt
        self.lifetime = lifetime
        self.mki = mki
    }

    /// A fresh random key and salt for `suite` from the system CSPRNG (`getrandom` on Linux),
    /// as RFC 4568 §6.1 requires ("MUST be ... cryptographically random").
    public static func generate(for suite: SRTPCryptoSuite) -> SDESKeyParameters {
        // Eight bytes per draw: each draw is one `getrandom` call (one per byte was ~40 per key).
        var generator = SystemRandomNumberGenerator()
        var material: [UInt8] = []
        material.reserveCapacity(suite.keyAndSaltLength + 7)
        while material.count < suite.keyAndSaltLength {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { material.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        material.removeLast(material.count - suite.keyAndSaltLength)
        return SDESKeyParameters(
            masterKey: Array(material.prefix(suite.masterKeyLength)),
            masterSalt: Array(material.dropFirst(suite.masterKeyLength)))
    }

    /// Key followed by salt, as libsrtp and the `inline:` base64 want them.
    public var keyAndSalt: [UInt8] { masterKey + masterSalt }

    /// The `key-params` text: `inline:` base64 key||salt, then `|lifetime` and `|MKI:length`.
    public var description: String {
        var text = "inline:" + Data(keyAndSalt).base64EncodedString()
        if let lifetime {
            if lifetime.nonzeroBitCount == 1 {
                text += "|2^\(lifetime.trailingZeroBitCount)"
            } else {
                text += "|\(lifetime)"
            }
        }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        return text
    }

    /// Parses and checks one `key-params` (RFC 4568 §9.2) for `suite`.
    public init(parsing input: some StringProtocol, suite: SRTPCryptoSuite) throws(SDESKeyError) {
        let text = Substring(input)
        guard text.utf8.count <= Self.maximumTextLength else { throw .tooLong }
        let prefix = "inline:"
        guard text.hasPrefix(prefix) else { throw .unsupportedMethod }
        let fields = text.dropFirst(prefix.count).split(separator: "|", omittingEmptySubsequences: false)
        // RFC 4568 §9.2: key-info = key-salt ["|" lifetime] ["|" mki]. The MKI is the field with
        // a colon, so a lifetime may be left out.
        guard let keySalt = fields.first, fields.count <= 3 else { throw .invalidMKI }
        guard let decoded = Data(base64Encoded: String(keySalt)) else { throw .invalidBase64 }
        guard decoded.count == suite.keyAndSaltLength else {
            throw .wrongKeyLength(expected: suite.keyAndSaltLength, actual: decoded.count)
        }
        let bytes = [UInt8](decoded)
        masterKey = Array(bytes.prefix(suite.masterKeyLength))
        masterSalt = Array(bytes.dropFirst(suite.masterKeyLength))
        lifetime = nil
        mki = nil
        for field in fields.dropFirst() {
            if field.contains(":") {
                guard mki == nil else { throw .invalidMKI }
                mki = try Self.parseMKI(field)
            } else {
                guard lifetime == nil, mki == nil else { throw .invalidLifetime }
                lifetime = try Self.parseLifetime(field, maximum: suite.maximumLifetime)
            }
        }
    }

    /// `lifetime = ["2^"] 1*(DIGIT)` (RFC 4568 §9.2).
    private static func parseLifetime(_ field: Substring, maximum: UInt64) throws(SDESKeyError) -> UInt64 {
        let value: UInt64
        if field.hasPrefix("2^") {
            guard let exponent = UInt8(field.dropFirst(2)), exponent < 64 else { throw .invalidLifetime }
            value = 1 << UInt64(exponent)
        } else {
            guard field.allSatisfy(\.isASCIIDigit), let decimal = UInt64(field) else { throw .invalidLifetime }
            value = decimal
        }
        guard value > 0, value <= maximum else { throw .invalidLifetime }
        return value
    }

    /// `mki = mki-value ":" mki-length` (RFC 4568 §9.2), the value fitting in `length` octets.
    private static func parseMKI(_ field: Substring) throws(SDESKeyError) -> (value: UInt64, length: Int) {
        let parts = field.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
              let value = UInt64(parts[0]), let length = Int(parts[1]),
              (1...maximumMKILength).contains(length)
        else { throw .invalidMKI }
        if length < 8 {
            guard value < (UInt64(1) << UInt64(length * 8)) else { throw .invalidMKI }
        }
        return (value, length)
    }

    /// The MKI as it appears on the wire: big-endian in `length` octets.
    var mkiBytes: [UInt8]? {
        guard let mki else { return nil }
        return (0..<mki.length).map { index in
            let shift = (mki.length - 1 - index) * 8
            return shift < 64 ? UInt8(truncatingIfNeeded: mki.value >> UInt64(shift)) : 0
        }
    }

    public static func == (lhs: SDESKeyParameters, rhs: SDESKeyParameters) -> Bool {
        lhs.masterKey == rhs.masterKey && lhs.masterSalt == rhs.masterSalt && lhs.lifetime == rhs.lifetime
            && lhs.mki?.value == rhs.mki?.value && lhs.mki?.length == rhs.mki?.length
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(masterKey)
        hasher.combine(masterSalt)
        hasher.combine(lifetime)
        hasher.combine(mki?.value)
        hasher.combine(mki?.length)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
