/// A small description of the file's shape. The decoder takes its key lists from it and the JSON
/// Schema in `dialplans/` is generated from it, so the two cannot drift apart.
public indirect enum SchemaType: Sendable {
    case string(pattern: String?)
    case integer(ClosedRange<Int>)
    case boolean
    /// A number as dialled (`101`, `+46701234567`, `*21#`): YAML may read it as an integer.
    case dialString
    /// `250ms`, `20s`, `2m`, `1h`.
    case duration
    case enumeration([String])
    case list(SchemaType)
    case oneOf([SchemaType])
    case object(SchemaObject)
    /// A mapping from names the operator chooses to values of one type.
    case dictionary(SchemaType)

    static let text = SchemaType.string(pattern: nil)
    /// A number as dialled: digits, `+`, `*`, `#`.
    static let number = SchemaType.dialString

    static func one(orList item: SchemaType) -> SchemaType { .oneOf([item, .list(item)]) }
    static func cases<E: CaseIterable & RawRepresentable>(_: E.Type) -> SchemaType where E.RawValue == String {
        .enumeration(E.allCases.map(\.rawValue))
    }
}

/// One key of a mapping.
public struct SchemaField: Sendable {
    public var name: String
    public var type: SchemaType
    public var summary: String

    init(_ name: String, _ type: SchemaType, _ summary: String) {
        self.name = name
        self.type = type
        self.summary = summary
    }
}

/// A mapping with known keys.
public struct SchemaObject: Sendable {
    public var fields: [SchemaField]
    public var required: [String]

    init(_ fields: [SchemaField], required: [String] = []) {
        self.fields = fields
        self.required = required
    }

    /// The keys the decoder accepts here.
    public var keys: [String] { fields.map(\.name) }
}
