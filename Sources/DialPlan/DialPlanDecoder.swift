import Foundation
import OperatorInput
import Yams

/// Turns the YAML tree into a `DialPlan`, recording every syntax, type and value error with its
/// position and carrying on, so one pass reports them all. References between parts are checked
/// later by `DialPlanValidator`.
struct DialPlanDecoder {
    var reader: NodeReader
    var fingerprints: [String: String] = [:]
    /// Every name declared (`endpoint:alice`, `class:door` …), decoded or not, so a broken entry
    /// does not also show up as "unknown" wherever it is used.
    var declared: Set<String> = []

    init(file: String) { reader = NodeReader(file: file) }

    mutating func decode(_ text: String) -> DialPlan? {
        guard let root = reader.compose(text, emptyFix: "start from dialplans/minimal.yaml"),
              let top = reader.mapping(root, what: "the dial plan") else { return nil }
        reader.rejectUnknownKeys(top, known: DialPlanSchema.plan.keys)
        var timeZone = TimeZone(identifier: "UTC") ?? .current
        if let node = top["timezone"], let name = reader.string(node, key: "timezone") {
            if let zone = TimeZone(identifier: name) { timeZone = zone } else {
                reader.error(at: node, "unknown time zone '\(name)'", fix: "use an IANA name such as Europe/Stockholm or UTC")
            }
        }
        let policy = decodePolicy(top["policy"])
        var plan = DialPlan(file: reader.file, timeZone: timeZone, endpoints: [:], trunks: [:], groups: [:],
                            routes: [], policy: policy, fingerprints: [:], declared: [], warnings: [])
        for (name, node) in named(top["endpoints"], what: "endpoints") {
            fingerprint("endpoint", name, node)
            if let endpoint = decodeEndpoint(name, node) { plan.endpoints[name] = endpoint }
        }
        for (name, node) in named(top["trunks"], what: "trunks") {
            fingerprint("trunk", name, node)
            if let trunk = decodeTrunk(name, node, policy: policy) { plan.trunks[name] = trunk }
        }
        for (name, node) in named(top["groups"], what: "groups") {
            fingerprint("group", name, node)
            if let group = decodeGroup(name, node) { plan.groups[name] = group }
        }
        var routes: [Route] = []
        if let node = top["routes"], let items = reader.sequence(node, what: "routes") {
            for item in items {
                if let route = decodeRoute(item) {
                    fingerprint("route", route.name, item)
                    routes.append(route)
                }
            }
        }
        plan.routes = routes  // builds the route index once
        if let node = top["policy"] { fingerprint("policy", "policy", node) }
        plan.sources = SourceIndex(plan.endpoints)
        plan.fingerprints = fingerprints
        plan.declared = declared
        return plan
    }

    /// The entries of a `name: {…}` section, in file order.
    mutating func named(_ node: Node?, what: String) -> [(String, Node)] {
        guard let node, let map = reader.mapping(node, what: what) else { return [] }
        return map.compactMap { key, value in
            guard let name = key.string, !name.isEmpty else {
                reader.error(at: key, "a name in \(what) must be plain text", fix: "write `name:` with letters, digits or -")
                return nil
            }
            return (name, value)
        }
    }

    mutating func fingerprint(_ kind: String, _ name: String, _ node: Node) {
        declared.insert("\(kind):\(name)")
        var text = ""
        Self.canonicalText(node, into: &text)
        fingerprints["\(kind):\(name)"] = text
    }

    /// The node's content without positions, comments or layout: `{key:value,…}`, `[a,b]`.
    static func canonicalText(_ node: Node, into text: inout String) {
        switch node {
        case .scalar(let scalar):
            text += scalar.string.debugDescription
        case .mapping(let mapping):
            text += "{"
            for (key, value) in mapping {
                canonicalText(key, into: &text)
                text += ":"
                canonicalText(value, into: &text)
                text += ","
            }
            text += "}"
        case .sequence(let sequence):
            text += "["
            for item in sequence {
                canonicalText(item, into: &text)
                text += ","
            }
            text += "]"
        case .alias:
            text += "*"
        }
    }

    mutating func object(_ node: Node, _ schema: SchemaObject, what: String) -> Node.Mapping? {
        guard let map = reader.mapping(node, what: what) else { return nil }
        reader.rejectUnknownKeys(map, known: schema.keys)
        for key in schema.required where map[key] == nil {
            reader.error(at: node, "\(what) has no '\(key)'", fix: "add `\(key): …`")
        }
        return map
    }

    /// Exactly one of `password_env`, `password_file`, `ha1`.
    mutating func secret(_ map: Node.Mapping, at node: Node, what: String) -> Secret? {
        var found: [Secret] = []
        if let name = reader.string(map["password_env"], key: "password_env") { found.append(.environment(name)) }
        if let path = reader.string(map["password_file"], key: "password_file") { found.append(.file(path)) }
        if let value = map["ha1"], let hash = reader.string(value, key: "ha1") {
            if map["realm"] == nil {
                reader.error(at: value, "ha1 depends on the realm it was computed with, but no realm is given",
                             fix: "add `realm: …` with the realm used in md5(user:realm:password)")
            }
            if [32, 64].contains(hash.count), hash.allSatisfy(\.isHexDigit) { found.append(.ha1(hash.lowercased())) } else {
                reader.error(at: value, "ha1 must be 32 (MD5) or 64 (SHA-256) hex digits",
                             fix: "compute it as md5(user:realm:password), or use password_env")
            }
        }
        if found.count > 1 {
            reader.error(at: node, "\(what) gives more than one of password_env, password_file, ha1",
                         fix: "keep exactly one source for the secret")
        }
        if found.isEmpty, map["ha1"] == nil {
            reader.error(at: node, "\(what) has a user but no secret",
                         fix: "add `password_env: VARIABLE`, `password_file: PATH` or `ha1: HEX`")
        }
        return found.first
    }

    mutating func codecs(_ node: Node?, default fallback: [Codec]) -> [Codec] {
        guard let node, let items = reader.sequence(node, what: "codecs") else { return fallback }
        var codecs: [Codec] = []
        for item in items {
            guard let name = reader.string(item, key: "codecs") else { continue }
            if let codec = Codec(name: name) {
                if !codecs.contains(codec) { codecs.append(codec) }
            } else {
                reader.error(at: item, "unknown codec '\(name)'",
                             fix: NodeReader.suggestion(for: name, among: Codec.allCases.map(\.rawValue), what: "codecs"))
            }
        }
        if codecs.isEmpty || codecs.allSatisfy(\.isVideo) {
            reader.error(at: node, "no audio codec is listed", fix: "list at least one of PCMA, PCMU, G722, opus")
        }
        return codecs.isEmpty ? fallback : codecs
    }

    /// `srtp_suites: [AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80]`: SDES suites in order of
    /// preference (RFC 4568 §6.2, RFC 7714 §14.2); nil when absent (the default suites).
    mutating func srtpSuites(_ node: Node?, policy: SRTPPolicy) -> [SRTPSuite]? {
        guard let node, let items = reader.sequence(node, what: "srtp_suites") else { return nil }
        var suites: [SRTPSuite] = []
        for item in items {
            guard let name = reader.string(item, key: "srtp_suites") else { continue }
            guard let suite = SRTPSuite(name: name) else {
                reader.error(at: item, "unknown SRTP suite '\(name)'",
                             fix: NodeReader.suggestion(for: name, among: SRTPSuite.allCases.map(\.rawValue),
                                                        what: "the suites"))
                continue
            }
            if suites.contains(suite) {
                reader.error(at: item, "'\(suite.rawValue)' is listed twice in srtp_suites", fix: "list each suite once")
            } else {
                suites.append(suite)
            }
        }
        if suites.isEmpty && items.isEmpty {
            reader.error(at: node, "srtp_suites is empty",
                         fix: "list suites such as [AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80], or remove the key for the default")
        }
        if policy == .off && !suites.isEmpty {
            reader.warning(at: node, "srtp_suites has no effect while srtp is off", fix: "add `srtp: offer` or `srtp: require`")
        }
        return suites.isEmpty ? nil : suites
    }

    /// `dtmf: rfc4733` or `dtmf: { mode: info, body: dtmf-relay, min_duration: 250ms, gap: 400ms }`.
    mutating func dtmf(_ node: Node?, default fallback: DTMFProfile) -> DTMFProfile {
        guard let node else { return fallback }
        var profile = fallback
        if node.scalar != nil {
            profile.mode = reader.enumeration(node, key: "dtmf", DTMFMode.self) ?? fallback.mode
            return profile
        }
        guard let map = object(node, DialPlanSchema.dtmf, what: "dtmf") else { return fallback }
        profile.mode = reader.enumeration(map["mode"], key: "mode", DTMFMode.self) ?? fallback.mode
        if let body = map["body"] {
            profile.body = reader.enumeration(body, key: "body", InfoBody.self) ?? profile.body
            if profile.mode != .info {
                reader.error(at: body, "'body' only applies to mode info, but mode is \(profile.mode.rawValue)",
                             fix: "remove `body`, or set `mode: info`")
            }
        }
        let limit = Duration.milliseconds(40)...Duration.seconds(5)
        profile.minDuration = reader.duration(map["min_duration"], key: "min_duration", range: limit) ?? profile.minDuration
        profile.gap = reader.duration(map["gap"], key: "gap", range: limit) ?? profile.gap
        return profile
    }

    /// Addresses or CIDR networks.
    mutating func networks(_ node: Node, key: String) -> [IPNetwork] {
        reader.scalarList(node, key: key).compactMap { item in
            guard let text = item.scalar?.string else { return nil }
            if let network = IPNetwork(text) { return network }
            reader.error(at: item, "'\(text)' is not an IP address or network",
                         fix: "write an address like 192.168.10.20 or a network like 192.168.10.0/24")
            return nil
        }
    }

    mutating func references(_ node: Node, key: String) -> [Reference] {
        reader.scalarList(node, key: key).compactMap { item in
            item.scalar.map { Reference(name: $0.string, position: reader.position(of: item)) }
        }
    }

    /// A dialled-number string: digits with an optional leading `+`, `*` and `#`.
    mutating func dialString(_ node: Node?, key: String) -> String? {
        guard let node, let text = reader.string(node, key: key) else { return nil }
        let body = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        if !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") }) { return text }
        reader.error(at: node, "'\(key)' must be a number like 101 or +46701234567, not '\(text)'",
                     fix: "write digits only, with an optional leading +")
        return nil
    }
}
