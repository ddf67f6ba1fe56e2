/// One entry of the header index: where a field's line, name and value sit in the message's
/// byte storage. Positions are 32-bit to keep the index compact (limits keep messages far
/// below 4 GiB).
struct HeaderEntry: Sendable, Hashable {
    /// First byte of the field's line.
    var lineStart: Int32
    /// One past the line terminator of the field's last (continuation) line.
    var lineEnd: Int32
    /// One past the last byte of the name.
    var nameEnd: Int32
    /// The value, without surrounding whitespace; for a folded field it points at an unfolded
    /// copy kept after the message bytes.
    var valueStart: Int32
    var valueEnd: Int32
    /// `HeaderName` code (0: not in the table).
    var code: UInt8

    var lineRange: Range<Int> { Int(lineStart)..<Int(lineEnd) }
    var nameRange: Range<Int> { Int(lineStart)..<Int(nameEnd) }
    var valueRange: Range<Int> { Int(valueStart)..<Int(valueEnd) }
}

/// One header field: its name and its value as bytes of the message.
public struct SIPHeaderField: Sendable {
    /// The name, with compact forms resolved (`v` is `.via`).
    public let name: HeaderName
    /// The name exactly as written (`v`, `VIA`, `Via`).
    public let rawName: ArraySlice<UInt8>
    /// The value without leading and trailing whitespace; line folding (RFC 3261 §7.3.1) is
    /// already replaced by a single space.
    public let value: ArraySlice<UInt8>

    /// The value as text.
    public var valueString: String { String(sipBytes: value) }
}

/// The ordered header fields of a message (RFC 3261 §7.3), kept as the original bytes plus a
/// compact index. Lookups compare names on bytes, case-insensitively, with compact forms
/// resolved; values are parsed only when asked for.
///
/// Fields that are added or changed are written canonically (`Name: value\r\n`) after the
/// original bytes; untouched fields keep their original bytes, so a message serializes
/// byte-identical until it is changed.
public struct SIPHeaders: Sendable, RandomAccessCollection {
    /// The message bytes (the parsed message first, then lines written by mutations).
    var storage: [UInt8]
    var entries: [HeaderEntry]

    /// An empty header list, for building a message from scratch.
    public init() {
        storage = []
        entries = []
    }

    init(storage: [UInt8], entries: [HeaderEntry]) {
        self.storage = storage
        self.entries = entries
    }

    /// The number of header fields (a field with several comma-separated values counts once).
    public var count: Int { entries.count }

    /// True when there is no header field.
    public var isEmpty: Bool { entries.isEmpty }

    /// The position of the first field (0).
    public var startIndex: Int { 0 }
    /// One past the position of the last field.
    public var endIndex: Int { entries.count }

    /// The field at `index` (in message order).
    public subscript(index: Int) -> SIPHeaderField {
        let entry = entries[index]
        let rawName = storage[entry.nameRange]
        return SIPHeaderField(
            name: entry.code != 0 ? HeaderName(code: entry.code) : HeaderName(bytes: rawName),
            rawName: rawName, value: storage[entry.valueRange])
    }

    /// The indices of the fields named `name`, in message order.
    public func indices(of name: HeaderName) -> [Int] {
        entries.indices.filter { matches(name, entries[$0]) }
    }

    @inline(__always)
    func matches(_ name: HeaderName, _ entry: HeaderEntry) -> Bool {
        if name.code != 0 { return name.code == entry.code }
        return entry.code == 0 && storage[entry.nameRange].equalsLowercased(name.lowercased.utf8)
    }

    /// The index of the first field named `name`.
    public func firstIndex(of name: HeaderName) -> Int? {
        if name.code != 0 {
            let code = name.code
            for index in entries.indices where entries[index].code == code { return index }
            return nil
        }
        return entries.indices.first { matches(name, entries[$0]) }
    }

    /// True when at least one field is named `name`.
    public func contains(_ name: HeaderName) -> Bool { firstIndex(of: name) != nil }

    /// The whole value of the first field named `name` (not split on commas).
    public func firstValue(_ name: HeaderName) -> ArraySlice<UInt8>? {
        guard let index = firstIndex(of: name) else { return nil }
        return storage[entries[index].valueRange]
    }

    /// The first value named `name`: for list headers (RFC 3261 §7.3.1) the first
    /// comma-separated element of the first field, else the whole first field.
    public func first(_ name: HeaderName) -> ArraySlice<UInt8>? {
        guard let value = firstValue(name) else { return nil }
        guard name.isList else { return value }
        var values = SIPHeaderValues(value)
        return values.next()
    }

    /// Every value named `name` in order: fields are taken in message order and, for list
    /// headers, split on commas outside quotes and angle brackets (RFC 3261 §7.3.1), so
    /// `Route: <a>, <b>` and two `Route` fields read the same.
    public func values(_ name: HeaderName) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        let split = name.isList
        for entry in entries where matches(name, entry) {
            let value = storage[entry.valueRange]
            if split { result.append(contentsOf: SIPHeaderValues(value)) } else { result.append(value) }
        }
        return result
    }

    /// The first field's value named `name` as text; setting replaces every field of that name
    /// by one (at the first one's place), `nil` removes them all.
    public subscript(name: HeaderName) -> String? {
        get { firstValue(name).map { String(sipBytes: $0) } }
        set {
            if let newValue { set(name, value: newValue) } else { removeAll(name) }
        }
    }
}
