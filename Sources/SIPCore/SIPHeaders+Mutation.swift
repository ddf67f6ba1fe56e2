// Changing header fields. A changed or added field is written canonically after the original
// bytes (`Name: value\r\n`, full name); untouched fields keep their bytes.

extension SIPHeaders {
    /// Writes `Name: value\r\n` after the existing bytes and returns its index entry.
    mutating func makeEntry(_ name: HeaderName, value: some Collection<UInt8>) -> HeaderEntry {
        let lineStart = storage.count
        storage.append(contentsOf: name.canonicalName.utf8)
        let nameEnd = storage.count
        storage.append(Octet.colon)
        storage.append(Octet.space)
        let valueStart = storage.count
        storage.append(contentsOf: value)
        let valueEnd = storage.count
        storage.append(Octet.cr)
        storage.append(Octet.lf)
        return HeaderEntry(
            lineStart: Int32(lineStart), lineEnd: Int32(storage.count), nameEnd: Int32(nameEnd),
            valueStart: Int32(valueStart), valueEnd: Int32(valueEnd), code: name.code)
    }

    /// Adds a field after the last one.
    public mutating func append(_ name: HeaderName, value: String) {
        entries.append(makeEntry(name, value: value.utf8))
    }

    /// Adds a field whose value is `value`'s bytes after the last one.
    public mutating func append(_ name: HeaderName, bytes value: some Collection<UInt8>) {
        entries.append(makeEntry(name, value: value))
    }

    /// Inserts a field at position `index` (0 puts it first).
    public mutating func insert(_ name: HeaderName, value: String, at index: Int) {
        entries.insert(makeEntry(name, value: value.utf8), at: index)
    }

    /// Inserts a field before the first field of the same name, or appends it when there is
    /// none: how a proxy adds its Via or Record-Route on top (RFC 3261 §16.6 steps 4 and 8).
    public mutating func prepend(_ name: HeaderName, value: String) {
        insert(name, value: value, at: firstIndex(of: name) ?? entries.count)
    }

    /// Replaces the value of the field at `index`, keeping its name.
    public mutating func replaceValue(at index: Int, with value: String) {
        let entry = entries[index]
        let name = entry.code != 0 ? HeaderName(code: entry.code) : HeaderName(bytes: storage[entry.nameRange])
        entries[index] = makeEntry(name, value: value.utf8)
    }

    /// Replaces every field named `name` by one field with `value`, at the first one's place
    /// (or at the end when there was none).
    public mutating func set(_ name: HeaderName, value: String) {
        let position = firstIndex(of: name)
        removeAll(name)
        entries.insert(makeEntry(name, value: value.utf8), at: position ?? entries.count)
    }

    /// Removes the field at `index`.
    public mutating func remove(at index: Int) {
        entries.remove(at: index)
    }

    /// Removes every field named `name`.
    public mutating func removeAll(_ name: HeaderName) {
        let storage = self.storage
        entries.removeAll { entry in
            if name.code != 0 { return entry.code == name.code }
            return entry.code == 0 && storage[entry.nameRange].equalsLowercased(name.lowercased.utf8)
        }
    }

    /// Removes the first field named `name` (a proxy removing the top Route, RFC 3261 §16.4,
    /// uses `removeFirstValue`, which also handles several values in one field).
    public mutating func removeFirst(_ name: HeaderName) {
        if let index = firstIndex(of: name) { entries.remove(at: index) }
    }

    /// Removes the first comma-separated value named `name`: the whole first field when it holds
    /// one value, else that field is rewritten canonically without its first element (RFC 3261
    /// §16.4 top Route removal, §18.2.2 / §16.7 step 3 top Via removal).
    public mutating func removeFirstValue(_ name: HeaderName) {
        guard let index = firstIndex(of: name) else { return }
        guard name.isList else { entries.remove(at: index); return }
        let value = storage[entries[index].valueRange]
        var elements = SIPHeaderValues(value)
        _ = elements.next()
        let rest = Array(elements)
        if rest.isEmpty {
            entries.remove(at: index)
        } else {
            var joined: [UInt8] = []
            for (offset, element) in rest.enumerated() {
                if offset > 0 { joined.append(contentsOf: ", ".utf8) }
                joined.append(contentsOf: element)
            }
            entries[index] = makeEntry(name, value: joined)
        }
    }
}
