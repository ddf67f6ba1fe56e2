import COpenSSL
import SIPCore

/// The hash functions digest authentication needs (RFC 7616 §3.2), over the system OpenSSL
/// `libcrypto` (`EVP_Digest`), plus HMAC-SHA-256 (RFC 2104, OpenSSL `HMAC`) for stateless nonces.
///
/// All hashing in the Registrar goes through this one type so the backend can be swapped (for
/// swift-crypto) in one file.
public enum DigestHash: Sendable {
    /// MD5 (RFC 1321), the RFC 2617 default.
    case md5
    /// SHA-256 (FIPS 180-4), RFC 7616 / RFC 8760.
    case sha256

    /// The hash for a Digest `algorithm` token; nil for algorithms not supported here (the
    /// `-sess` variants and SHA-512-256 are not offered, so they are not accepted either).
    public init?(_ algorithm: DigestAlgorithm?) {
        switch algorithm {
        case nil, .some(.md5): self = .md5
        case .some(.sha256): self = .sha256
        default: return nil
        }
    }

    /// The algorithm token this hash is offered under.
    public var algorithm: DigestAlgorithm { self == .md5 ? .md5 : .sha256 }

    /// The raw digest of `bytes`.
    public func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        let type = self == .md5 ? EVP_md5() : EVP_sha256()
        let status = input.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(raw.baseAddress, raw.count, out.baseAddress, &size, type, nil)
            }
        }
        // EVP_Digest with a built-in algorithm fails only on allocation failure.
        guard status == 1 else { return [] }
        return Array(output.prefix(Int(size)))
    }

    /// The lowercase hex digest of a string's UTF-8 bytes (RFC 7616 §3.4.1 `H(data)`).
    public func hex(_ text: String) -> String { Hex.encode(digest(Array(text.utf8))) }

    /// HMAC-SHA-256 of `message` under `key` (RFC 2104), by OpenSSL's one-shot `HMAC`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        let result = key.withUnsafeBytes { rawKey in
            message.withUnsafeBufferPointer { data in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), rawKey.baseAddress, Int32(rawKey.count), data.baseAddress, data.count,
                         out.baseAddress, &size)
                }
            }
        }
        // HMAC with a built-in digest fails only on allocation failure.
        guard result != nil else { return [] }
        return Array(output.prefix(Int(size)))
    }

    /// `count` random bytes as lowercase hex (cnonces, Call-IDs).
    public static func randomHex(_ count: Int) -> String { Hex.encode(randomBytes(count)) }

    /// `count` cryptographically random bytes (OpenSSL `RAND_bytes`).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        if status != 1 {
            // RAND_bytes fails only when the OS entropy source is broken; fall back to the system RNG.
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }
}

/// Lowercase hex and constant-time comparison helpers.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two strings in time that depends only on their lengths (no early exit).
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
