/// One `;name[=value]` parameter, kept in wire form.
///
/// In a URI (RFC 3261 `uri-parameter`) the value may hold `%HH` escapes; in a header
/// (`generic-param`) it may be a quoted-string, which `value` keeps with its quotes and
/// ``unquotedValue`` resolves.
public struct SIPParameter: Hashable, Sendable {
    /// The name as written; names compare case-insensitively.
    public var name: String
    /// The value as written, or nil for a flag parameter such as `lr` or `rport`.
    public var value: String?

    /// Creates a parameter from wire-form name and value.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The value with surrounding quotes removed and quoted-pairs resolved.
    public var unquotedValue: String? {
        guard let value, value.utf8.first == UInt8(ascii: "\""), value.utf8.count >= 2 else { return value }
        return ByteView.with(value) { view -> String? in
            var scanner = ByteScanner(view, element: .quotedString)
            guard let quoted = try? scanner.quotedString(limit: SIPGrammarLimits.maxValueLength),
                  scanner.isAtEnd else { return value }
            return try? scanner.unquote(quoted.range, hasEscapes: quoted.hasEscapes)
        }
    }
}

/// An ordered list of `;name[=value]` parameters with case-insensitive name lookup
/// (RFC 3261 §7.3.1: parameter names are case-insensitive).
///
/// Used for URI parameters, URI headers (`?name=value&...`) and header parameters. Order and
/// spelling are kept so that a value writes back as it was read.
public struct SIPParameters: Hashable, Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    var storage: [SIPParameter]

    /// An empty list.
    public init() { storage = [] }

    /// A list of the given parameters, in order.
    public init(_ parameters: [SIPParameter]) { storage = parameters }

    public init(arrayLiteral elements: (String, String?)...) {
        storage = elements.map { SIPParameter(name: $0.0, value: $0.1) }
    }

    public var startIndex: Int { storage.startIndex }
    public var endIndex: Int { storage.endIndex }
    public subscript(position: Int) -> SIPParameter { storage[position] }

    /// Whether a parameter named `name` (any case) is present, with or without a value.
    public func contains(_ name: String) -> Bool {
        firstIndex(named: name) != nil
    }

    /// The value of the first parameter named `name`; nil when absent or a flag without value.
    public subscript(_ name: String) -> String? {
        guard let index = firstIndex(named: name) else { return nil }
        return storage[index].value
    }

    /// The first parameter named `name` (any case).
    public func parameter(named name: String) -> SIPParameter? {
        firstIndex(named: name).map { storage[$0] }
    }

    /// The position of the first parameter named `name` (any case).
    public func firstIndex(named name: String) -> Int? {
        storage.firstIndex { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Sets the first parameter named `name` to `value` (nil: a flag), or appends it.
    public mutating func set(_ name: String, to value: String?) {
        if let index = firstIndex(named: name) {
            storage[index].value = value
        } else {
            storage.append(SIPParameter(name: name, value: value))
        }
    }

    /// Appends a parameter even if one of that name exists.
    public mutating func append(_ parameter: SIPParameter) {
        storage.append(parameter)
    }

    /// Removes every parameter named `name` (any case).
    public mutating func remove(_ name: String) {
        storage.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Writes `;name[=value]` for each parameter.
    public func write(into buffer: inout [UInt8]) {
        for parameter in storage {
            buffer.append(UInt8(ascii: ";"))
            buffer.append(contentsOf: parameter.name.utf8)
            if let value = parameter.value {
                buffer.append(UInt8(ascii: "="))
                buffer.append(contentsOf: value.utf8)
            }
        }
    }

    /// Writes URI headers: `?name=value&name=value` (RFC 3261 §19.1.1).
    func writeAsURIHeaders(into buffer: inout [UInt8]) {
        for (offset, header) in storage.enumerated() {
            buffer.append(offset == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            buffer.append(contentsOf: header.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: (header.value ?? "").utf8)
        }
    }
}
