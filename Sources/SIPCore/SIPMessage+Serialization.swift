import NIOCore

// Writing a message back to bytes. An unchanged parsed message is copied byte for byte; a
// changed one is written part by part: original bytes for untouched parts, canonical text
// (`Name: value\r\n`, full names, SIP/2.0, CRLF) for changed ones.

extension SIPMessage {
    /// The message as bytes, ready to send.
    public func serialized() -> [UInt8] {
        // An unchanged message that fills its storage is that storage: shared, not copied.
        if let pristine = pristineRange, pristine == headers.storage.indices { return headers.storage }
        var bytes: [UInt8] = []
        write(into: &bytes)
        return bytes
    }

    /// The message as text (for logs and tests).
    public var serializedString: String { String(decoding: serialized(), as: UTF8.self) }

    /// Appends the message's bytes to `bytes`.
    public func write(into bytes: inout [UInt8]) {
        write(to: &bytes)
    }

    /// Writes the message into a ByteBuffer: its size is counted first, then every part is
    /// copied into the buffer's memory in one pass (no intermediate array, one capacity check).
    public func write(into buffer: inout ByteBuffer) {
        if let pristine = pristineRange {
            buffer.writeBytes(headers.storage[pristine])
            return
        }
        var counter = ByteCounter()
        write(to: &counter)
        let size = counter.count
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var sink = RawByteSink(memory: UnsafeMutableRawBufferPointer(rebasing: raw[..<size]))
            write(to: &sink)
            return sink.count
        }
    }

    /// The one writer behind both `write(into:)` forms.
    private func write<Sink: SIPByteSink>(to bytes: inout Sink) {
        let storage = headers.storage
        if let pristine = pristineRange {
            bytes.put(storage[pristine])
            return
        }
        bytes.reserve(storage.count + body.count + 32)
        if let original = originalStartLine {
            bytes.put(storage[original])
        } else {
            writeStartLine(into: &bytes)
        }
        var wroteLength = false
        for entry in headers.entries {
            if bodyChanged && entry.code == HeaderName.codeContentLength {
                // RFC 3261 §20.14: Content-Length is the body's size; write it once, where the
                // first one was.
                if !wroteLength { writeContentLength(into: &bytes) }
                wroteLength = true
                continue
            }
            bytes.put(storage[entry.lineRange])
        }
        if bodyChanged && !wroteLength { writeContentLength(into: &bytes) }
        if let separator = originalSeparator {
            bytes.put(storage[separator])
        } else {
            bytes.put(byte: Octet.cr)
            bytes.put(byte: Octet.lf)
        }
        bytes.put(body)
    }

    private func writeStartLine<Sink: SIPByteSink>(into bytes: inout Sink) {
        switch startLine {
        case .request(let line):
            bytes.put(string: line.method.rawValue)
            bytes.put(byte: Octet.space)
            bytes.put(line.uriBytes)
            bytes.put(byte: Octet.space)
            bytes.put(sipVersionBytes)
        case .response(let line):
            bytes.put(sipVersionBytes)
            bytes.put(byte: Octet.space)
            bytes.put(decimal: line.statusCode)
            bytes.put(byte: Octet.space)
            bytes.put(line.reasonBytes)
        }
        bytes.put(byte: Octet.cr)
        bytes.put(byte: Octet.lf)
    }

    private func writeContentLength<Sink: SIPByteSink>(into bytes: inout Sink) {
        bytes.put(string: "Content-Length: ")
        bytes.put(decimal: body.count)
        bytes.put(byte: Octet.cr)
        bytes.put(byte: Octet.lf)
    }
}

/// Where a message is written: an array or a ByteBuffer, appended to in place.
protocol SIPByteSink {
    mutating func reserve(_ additional: Int)
    mutating func put(_ bytes: ArraySlice<UInt8>)
    mutating func put(_ bytes: [UInt8])
    mutating func put(byte: UInt8)
    mutating func put(string: String)
}

extension SIPByteSink {
    /// Writes `value` in decimal (a status code, a Content-Length) digit by digit, no String.
    mutating func put(decimal value: Int) {
        guard value >= 0 else { return put(string: String(value)) }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            put(byte: UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

extension Array: SIPByteSink where Element == UInt8 {
    mutating func reserve(_ additional: Int) { reserveCapacity(count + additional) }
    mutating func put(_ bytes: ArraySlice<UInt8>) { append(contentsOf: bytes) }
    mutating func put(_ bytes: [UInt8]) { append(contentsOf: bytes) }
    mutating func put(byte: UInt8) { append(byte) }
    mutating func put(string: String) { append(contentsOf: string.utf8) }
}

extension ByteBuffer: SIPByteSink {
    mutating func reserve(_ additional: Int) { reserveCapacity(minimumWritableBytes: additional) }
    mutating func put(_ bytes: ArraySlice<UInt8>) { writeBytes(bytes) }
    mutating func put(_ bytes: [UInt8]) { writeBytes(bytes) }
    mutating func put(byte: UInt8) { writeInteger(byte) }
    mutating func put(string: String) { writeString(string) }
}

/// Counts what a message's writer would write.
struct ByteCounter: SIPByteSink {
    var count = 0
    mutating func reserve(_ additional: Int) {}
    mutating func put(_ bytes: ArraySlice<UInt8>) { count += bytes.count }
    mutating func put(_ bytes: [UInt8]) { count += bytes.count }
    mutating func put(byte: UInt8) { count += 1 }
    mutating func put(string: String) { count += string.utf8.count }
}

/// Writes into memory sized by ``ByteCounter``; a part that would not fit is left out (cannot
/// happen when the counter ran the same writer first).
struct RawByteSink: SIPByteSink {
    let memory: UnsafeMutableRawBufferPointer
    var count = 0

    init(memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    mutating func reserve(_ additional: Int) {}
    mutating func put(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { copy($0) } }
    mutating func put(_ bytes: [UInt8]) { bytes.withUnsafeBytes { copy($0) } }
    mutating func put(byte: UInt8) {
        guard count < memory.count else { return }
        memory[count] = byte
        count += 1
    }
    mutating func put(string: String) {
        var string = string
        string.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
    }

    private mutating func copy(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, count + bytes.count <= memory.count else { return }
        UnsafeMutableRawBufferPointer(rebasing: memory[count..<(count + bytes.count)]).copyMemory(from: bytes)
        count += bytes.count
    }
}
