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
        let storage = headers.storage
        if let pristine = pristineRange {
            bytes.append(contentsOf: storage[pristine])
            return
        }
        bytes.reserveCapacity(bytes.count + storage.count + body.count + 32)
        if let original = originalStartLine {
            bytes.append(contentsOf: storage[original])
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
            bytes.append(contentsOf: storage[entry.lineRange])
        }
        if bodyChanged && !wroteLength { writeContentLength(into: &bytes) }
        if let separator = originalSeparator {
            bytes.append(contentsOf: storage[separator])
        } else {
            bytes.append(Octet.cr)
            bytes.append(Octet.lf)
        }
        bytes.append(contentsOf: body)
    }

    /// Writes the message into a ByteBuffer.
    public func write(into buffer: inout ByteBuffer) {
        if let pristine = pristineRange {
            buffer.writeBytes(headers.storage[pristine])
        } else {
            buffer.writeBytes(serialized())
        }
    }

    private func writeStartLine(into bytes: inout [UInt8]) {
        switch startLine {
        case .request(let line):
            bytes.append(contentsOf: line.method.rawValue.utf8)
            bytes.append(Octet.space)
            bytes.append(contentsOf: line.uriBytes)
            bytes.append(Octet.space)
            bytes.append(contentsOf: sipVersionBytes)
        case .response(let line):
            bytes.append(contentsOf: sipVersionBytes)
            bytes.append(Octet.space)
            bytes.append(contentsOf: String(line.statusCode).utf8)
            bytes.append(Octet.space)
            bytes.append(contentsOf: line.reasonBytes)
        }
        bytes.append(Octet.cr)
        bytes.append(Octet.lf)
    }

    private func writeContentLength(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: "Content-Length: ".utf8)
        bytes.append(contentsOf: String(body.count).utf8)
        bytes.append(Octet.cr)
        bytes.append(Octet.lf)
    }
}
