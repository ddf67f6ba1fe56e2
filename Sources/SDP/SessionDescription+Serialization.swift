import NIOCore

/// The serializer: RFC 8866 §5 field order, one space between fields, CRLF after every line.
///
/// Every value is written as the parser kept it, so a description parsed from canonical input
/// (CRLF line ends, single spaces, session lines in RFC order, no trailing blanks) and not
/// modified serializes to the identical bytes. Sloppy input comes out canonical.
extension SessionDescription {
    /// The description as text with CRLF line ends.
    public var text: String {
        var out = ""
        out.reserveCapacity(512 + media.count * 256)
        write(to: &out)
        return out
    }

    /// The description as bytes.
    public var bytes: [UInt8] { Array(text.utf8) }

    /// Writes the description into a buffer.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeString(text)
    }

    private func write(to out: inout String) {
        line(&out, "v", String(version))
        line(&out, "o", "\(origin.username) \(origin.sessionID) \(origin.sessionVersion) "
            + "\(origin.networkType) \(origin.addressType) \(origin.address)")
        line(&out, "s", sessionName)
        if let information { line(&out, "i", information) }
        if let uri { line(&out, "u", uri) }
        for email in emails { line(&out, "e", email) }
        for phone in phones { line(&out, "p", phone) }
        if let connection { line(&out, "c", connection.text) }
        for bandwidth in bandwidths { line(&out, "b", "\(bandwidth.type):\(bandwidth.value)") }
        for timing in timings {
            line(&out, "t", "\(timing.start) \(timing.stop)")
            for repeatTime in timing.repeats { line(&out, "r", repeatTime) }
        }
        if let timeZones { line(&out, "z", timeZones) }
        if let key { line(&out, "k", key) }
        for attribute in attributes { line(&out, "a", attribute.text) }
        for stream in media { stream.write(to: &out) }
    }
}

extension MediaDescription {
    /// The media section as text with CRLF line ends.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    fileprivate func write(to out: inout String) {
        var mline = "\(media.rawValue) \(port)"
        if let portCount { mline += "/\(portCount)" }
        mline += " \(proto.rawValue)"
        for format in formats { mline += " \(format)" }
        line(&out, "m", mline)
        if let information { line(&out, "i", information) }
        for connection in connections { line(&out, "c", connection.text) }
        for bandwidth in bandwidths { line(&out, "b", "\(bandwidth.type):\(bandwidth.value)") }
        if let key { line(&out, "k", key) }
        for attribute in attributes { line(&out, "a", attribute.text) }
    }
}

extension Connection {
    /// The value after `c=`.
    public var text: String {
        var address = self.address
        if let ttl { address += "/\(ttl)" }
        if let addressCount { address += "/\(addressCount)" }
        return "\(networkType) \(addressType) \(address)"
    }
}

extension Attribute {
    /// The text after `a=`.
    public var text: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }
}

private func line(_ out: inout String, _ type: Character, _ value: String) {
    out.append(type)
    out.append("=")
    out.append(value)
    out.append("\r\n")
}
