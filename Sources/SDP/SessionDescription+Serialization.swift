import NIOCore

/// The serializer: RFC 8866 §5 field order, one space between fields, CRLF after every line.
///
/// Every value is written as the parser kept it, so a description parsed from canonical input
/// (CRLF line ends, single spaces, session lines in RFC order, no trailing blanks) and not
/// modified serializes to the identical bytes. Sloppy input comes out canonical.
extension SessionDescription {
    /// The description as text with CRLF line ends.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The description as bytes, written into one buffer sized up front.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize)
        write(to: &out)
        return out
    }

    /// Writes the description into a buffer.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(bytes)
    }

    /// Room for the usual description without regrowing: the fixed lines plus the attributes.
    private var estimatedSize: Int {
        var size = 128 + attributes.count * 32
        for stream in media { size += 64 + stream.formats.count * 4 + stream.attributes.count * 40 }
        return size
    }

    private func write(to out: inout [UInt8]) {
        out.line("v") { $0.appendDecimal(version) }
        out.line("o") {
            $0.append(contentsOf: origin.username.utf8)
            $0.appendField(origin.sessionID)
            $0.appendField(origin.sessionVersion)
            $0.appendField(origin.networkType)
            $0.appendField(origin.addressType)
            $0.appendField(origin.address)
        }
        out.line("s", sessionName)
        if let information { out.line("i", information) }
        if let uri { out.line("u", uri) }
        for email in emails { out.line("e", email) }
        for phone in phones { out.line("p", phone) }
        if let connection { out.line("c") { connection.write(to: &$0) } }
        for bandwidth in bandwidths { out.line("b") { bandwidth.write(to: &$0) } }
        for timing in timings {
            out.line("t") {
                $0.append(contentsOf: timing.start.utf8)
                $0.appendField(timing.stop)
            }
            for repeatTime in timing.repeats { out.line("r", repeatTime) }
        }
        if let timeZones { out.line("z", timeZones) }
        if let key { out.line("k", key) }
        for attribute in attributes { out.line("a") { attribute.write(to: &$0) } }
        for stream in media { stream.write(to: &out) }
    }
}

extension MediaDescription {
    /// The media section as text with CRLF line ends.
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(64 + attributes.count * 40)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    fileprivate func write(to out: inout [UInt8]) {
        out.line("m") {
            $0.append(contentsOf: media.rawValue.utf8)
            $0.append(UInt8(ascii: " "))
            $0.appendDecimal(Int(port))
            if let portCount {
                $0.append(UInt8(ascii: "/"))
                $0.appendDecimal(portCount)
            }
            $0.appendField(proto.rawValue)
            for format in formats { $0.appendField(format) }
        }
        if let information { out.line("i", information) }
        for connection in connections { out.line("c") { connection.write(to: &$0) } }
        for bandwidth in bandwidths { out.line("b") { bandwidth.write(to: &$0) } }
        if let key { out.line("k", key) }
        for attribute in attributes { out.line("a") { attribute.write(to: &$0) } }
    }
}

extension Connection {
    /// The value after `c=`.
    public var text: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    fileprivate func write(to out: inout [UInt8]) {
        out.append(contentsOf: networkType.utf8)
        out.appendField(addressType)
        out.appendField(address)
        if let ttl {
            out.append(UInt8(ascii: "/"))
            out.appendDecimal(ttl)
        }
        if let addressCount {
            out.append(UInt8(ascii: "/"))
            out.appendDecimal(addressCount)
        }
    }
}

extension Bandwidth {
    fileprivate func write(to out: inout [UInt8]) {
        out.append(contentsOf: type.utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: String(value).utf8)
    }
}

extension Attribute {
    /// The text after `a=`.
    public var text: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }

    fileprivate func write(to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        if let value {
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
        }
    }
}

extension [UInt8] {
    /// `<type>=<value>` and CRLF.
    fileprivate mutating func line(_ type: Unicode.Scalar, _ value: String) {
        line(type) { $0.append(contentsOf: value.utf8) }
    }

    /// `<type>=`, what `value` writes, and CRLF.
    fileprivate mutating func line(_ type: Unicode.Scalar, _ value: (inout [UInt8]) -> Void) {
        append(UInt8(ascii: type))
        append(UInt8(ascii: "="))
        value(&self)
        append(UInt8(ascii: "\r"))
        append(UInt8(ascii: "\n"))
    }

    /// A space and a field.
    fileprivate mutating func appendField(_ field: String) {
        append(UInt8(ascii: " "))
        append(contentsOf: field.utf8)
    }

    /// An integer in decimal, as `String(value)` writes it.
    fileprivate mutating func appendDecimal(_ value: Int) {
        guard value >= 0, value < 1_000_000 else {
            append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        while divisor * 10 <= value { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
