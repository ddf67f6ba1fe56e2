#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Random SSRCs, first sequence numbers and timestamps (RFC 3550 §5.1, §8.1: random, so a
/// stream's values are hard to guess) drawn from the kernel CSPRNG 4 KiB at a time instead of one
/// `getrandom(2)` call per value: call setup drew four such values per call on the media thread
/// and one per leg configuration on the caller's.
///
/// Every value is still raw kernel randomness, only fetched in blocks; each byte is handed out
/// once and wiped. Shared by all threads behind a lock held for a few nanoseconds.
struct MediaRandom: RandomNumberGenerator {
    /// Bytes fetched from the kernel per refill.
    static let blockSize = 4096

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: MediaRandom.blockSize)
        var next = MediaRandom.blockSize

        mutating func take() -> UInt64 {
            if next + 8 > bytes.count {
                bytes.withUnsafeMutableBytes { MediaRandom.fill($0) }
                next = 0
            }
            let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: next, as: UInt64.self) }
            for index in next..<(next + 8) { bytes[index] = 0 }
            next += 8
            return value
        }
    }

    private static let pool = Mutex(Pool())

    /// 64 random bits from the shared pool.
    mutating func next() -> UInt64 {
        Self.pool.withLock { $0.take() }
    }

    /// Fills `buffer` from the kernel CSPRNG (`/dev/urandom`, the source of `getrandom(2)`,
    /// read in one call, retried on interruption and short reads); when that fails, from
    /// `SystemRandomNumberGenerator`.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        #if canImport(Glibc)
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if descriptor >= 0, let base = buffer.baseAddress {
            while offset < buffer.count {
                let count = read(descriptor, base + offset, buffer.count - offset)
                if count > 0 { offset += count } else if count == 0 || errno != EINTR { break }
            }
            close(descriptor)
        }
        #endif
        var system = SystemRandomNumberGenerator()
        while offset < buffer.count {
            buffer[offset] = UInt8(truncatingIfNeeded: system.next())
            offset += 1
        }
    }
}

/// A random non-zero SSRC from ``MediaRandom`` (``LegConfiguration``'s default `outgoingSSRC`).
@usableFromInline
func randomSSRC() -> UInt32 {
    var generator = MediaRandom()
    return .random(in: 1 ... .max, using: &generator)
}
