import Foundation

extension DialPlanSchema {
    /// The JSON Schema (draft 2020-12) for dial-plan files, as committed in `dialplans/`.
    public static func jsonSchema() -> String {
        var root = object(plan)
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = "https://gatehouse.example/dialplan.schema.json"
        root["title"] = "Gatehouse dial plan"
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The dictionary holds only strings, numbers, booleans, arrays and dictionaries.
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: options),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text + "\n"
    }

    private static func object(_ object: SchemaObject) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in object.fields {
            var property = json(field.type)
            property["description"] = field.summary
            properties[field.name] = property
        }
        var result: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !object.required.isEmpty { result["required"] = object.required }
        return result
    }

    private static func json(_ type: SchemaType) -> [String: Any] {
        switch type {
        case .string(let pattern):
            var result: [String: Any] = ["type": "string"]
            if let pattern { result["pattern"] = pattern }
            return result
        case .dialString:
            return ["type": ["string", "integer"], "pattern": "^\\+?[0-9*#]+$"]
        case .integer(let range):
            return ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]
        case .boolean:
            return ["type": "boolean"]
        case .duration:
            return ["type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"]
        case .enumeration(let values):
            return ["enum": values]
        case .list(let item):
            return ["type": "array", "items": json(item)]
        case .oneOf(let types):
            return ["anyOf": types.map(json)]
        case .object(let schemaObject):
            return object(schemaObject)
        case .dictionary(let value):
            return ["type": "object", "additionalProperties": json(value)]
        }
    }
}
