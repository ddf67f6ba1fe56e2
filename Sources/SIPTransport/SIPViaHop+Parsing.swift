import SIPCore

/// Why a Via value could not be read.
public struct SIPViaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, for logs and the 400 reason phrase.
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { "malformed Via: \(reason)" }
}

extension SIPViaHop {
    /// Named limits for a Via value: longer values are rejected.
    public static let maxLength = 2_048

    /// Reads one via-parm (one comma-separated element of a Via field).
    public init(parsing value: ArraySlice<UInt8>) throws(SIPViaError) {
        guard value.count <= Self.maxLength else { throw SIPViaError("longer than \(Self.maxLength) bytes") }
        var cursor = ViaCursor(bytes: value)
        cursor.skipSpace()
        let name = cursor.token()
        cursor.skipSpace()
        guard !name.isEmpty, cursor.consume(UInt8(ascii: "/")) else { throw SIPViaError("sent-protocol") }
        cursor.skipSpace()
        let version = cursor.token()
        cursor.skipSpace()
        guard !version.isEmpty, cursor.consume(UInt8(ascii: "/")) else { throw SIPViaError("sent-protocol") }
        cursor.skipSpace()
        let transport = cursor.token()
        guard !transport.isEmpty else { throw SIPViaError("transport") }
        guard cursor.skipSpace() > 0 else { throw SIPViaError("no space before sent-by") }

        let host: String
        if cursor.consume(UInt8(ascii: "[")) {
            let address = cursor.take { $0 != UInt8(ascii: "]") }
            guard cursor.consume(UInt8(ascii: "]")), !address.isEmpty else { throw SIPViaError("IPv6 reference") }
            host = address
        } else {
            host = cursor.take { ViaBytes.isHostByte($0) }
            guard !host.isEmpty else { throw SIPViaError("sent-by host") }
        }
        var port: Int?
        cursor.skipSpace()
        if cursor.consume(UInt8(ascii: ":")) {
            cursor.skipSpace()
            let digits = cursor.take { $0 >= 0x30 && $0 <= 0x39 }
            guard let number = Int(digits), digits.count <= 5, (0...65_535).contains(number) else {
                throw SIPViaError("sent-by port")
            }
            port = number
        }
        var parameters: [Parameter] = []
        while true {
            cursor.skipSpace()
            guard !cursor.isAtEnd else { break }
            guard cursor.consume(UInt8(ascii: ";")) else { throw SIPViaError("unexpected byte after sent-by") }
            cursor.skipSpace()
            let parameterName = cursor.token()
            guard !parameterName.isEmpty else { throw SIPViaError("parameter name") }
            cursor.skipSpace()
            var parameterValue: String?
            if cursor.consume(UInt8(ascii: "=")) {
                cursor.skipSpace()
                guard let text = cursor.parameterValue() else { throw SIPViaError("parameter \(parameterName)") }
                parameterValue = text
            }
            parameters.append(Parameter(name: parameterName, value: parameterValue))
        }
        self.sentProtocol = "\(name)/\(version)/\(transport)"
        self.transportName = transport
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    /// The top Via value of `message` (the first element of the first Via field).
    public init(topOf message: SIPMessage) throws(SIPViaError) {
        guard let value = message.headers.first(.via) else { throw SIPViaError("missing") }
        try self.init(parsing: value)
    }
}

/// Byte classes used by the Via reader (SIPCore's byte helpers are internal to it).
enum ViaBytes {
    /// Bytes of a hostname or IPv4 address (RFC 3261 §25.1 `hostname`, `IPv4address`).
    static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x2D, 0x2E: true
        default: false
        }
    }

    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: true
        case 0x2D, 0x2E, 0x21, 0x25, 0x2A, 0x5F, 0x2B, 0x60, 0x27, 0x7E: true
        default: false
        }
    }
}

/// A cursor over the bytes of one Via value.
struct ViaCursor {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    /// Skips SP, HTAB, CR and LF; returns how many bytes were skipped.
    @discardableResult
    mutating func skipSpace() -> Int {
        let start = index
        while index < bytes.endIndex, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index]) { index += 1 }
        return index - start
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func take(while predicate: (UInt8) -> Bool) -> String {
        let start = index
        while index < bytes.endIndex, predicate(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func token() -> String { take(while: ViaBytes.isToken) }

    /// A token, an IPv6 reference (`received=[::1]` is seen in the wild) or a quoted string.
    mutating func parameterValue() -> String? {
        guard index < bytes.endIndex else { return nil }
        let start = index
        if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                index += 1
            }
            guard index < bytes.endIndex else { return nil }
            index += 1
        } else if bytes[index] == UInt8(ascii: "[") {
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "]") { index += 1 }
            guard index < bytes.endIndex else { return nil }
            index += 1
        } else {
            // IPv6 received values are written without brackets (RFC 3261 §20.42).
            while index < bytes.endIndex, ViaBytes.isToken(bytes[index]) || bytes[index] == UInt8(ascii: ":") { index += 1 }
        }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
