import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Cryptographically random numbers for tags, branches and Call-IDs, drawn from the kernel's
/// CSPRNG 4 KiB at a time instead of one system call per value.
///
/// RFC 3261 §19.3 wants tags and branches globally unique and hard to guess (at least 32 random
/// bits for tags, §8.1.1.7 unique branches): every value is still raw kernel randomness
/// (`/dev/urandom`), only fetched in blocks; each byte is handed out once. The pool is shared
/// by all threads behind a lock held for a few nanoseconds.
public struct PooledRandom: RandomNumberGenerator, Sendable {
    /// Bytes fetched from the kernel per refill.
    public static let blockSize = 4096

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: PooledRandom.blockSize)
        var next = PooledRandom.blockSize

        mutating func take() -> UInt64 {
            if next + 8 > bytes.count {
                bytes.withUnsafeMutableBytes { PooledRandom.fill($0) }
                next = 0
            }
            var value: UInt64 = 0
            bytes.withUnsafeBytes { raw in
                value = raw.loadUnaligned(fromByteOffset: next, as: UInt64.self)
            }
            // Used bytes are overwritten, so no value is ever handed out twice from memory.
            for index in next..<(next + 8) { bytes[index] = 0 }
            next += 8
            return value
        }
    }

    private static let pool = Mutex(Pool())

    /// Creates a generator reading from the shared pool.
    public init() {}

    /// 64 random bits.
    public mutating func next() -> UInt64 {
        Self.next64()
    }

    /// 64 random bits from the shared pool.
    public static func next64() -> UInt64 {
        pool.withLock { $0.take() }
    }

    /// Fills `buffer` from the kernel CSPRNG (`/dev/urandom`, the same source as `getrandom(2)`,
    /// read in one call and retried on interruption and short reads); when that fails, from
    /// `SystemRandomNumberGenerator`.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        #if canImport(Glibc) || canImport(Musl)
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
