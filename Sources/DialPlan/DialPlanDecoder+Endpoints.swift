import OperatorInput
import Yams

extension DialPlanDecoder {
    static func defaultCodecs(for kind: Endpoint.Class) -> [Codec] {
        switch kind {
        case .door: [.pcmu, .pcma, .g722]
        case .softphone: [.opus, .g722, .pcmu, .pcma]
        case .phone: [.g722, .pcmu, .pcma]
        case .pbx: [.pcma, .pcmu]
        }
    }

    mutating func decodeEndpoint(_ name: String, _ node: Node) -> Endpoint? {
        guard let map = object(node, DialPlanSchema.endpoint, what: "endpoint '\(name)'") else { return nil }
        let kind = reader.enumeration(map["class"], key: "class", Endpoint.Class.self)
        let authentication = map["auth"].flatMap { decodeAuth($0, endpoint: name) }
        let limit = reader.integer(map["limit"], key: "limit", range: 1...Endpoint.maximumCallLimit)
        let giveUp = reader.duration(map["give_up"], key: "give_up", range: .seconds(5)...Duration.seconds(600))
        let number = dialString(map["number"], key: "number")
        if let kind { declared.insert("class:\(kind.rawValue)") }
        let defaults = kind ?? .phone
        let srtp = reader.enumeration(map["srtp"], key: "srtp", SRTPPolicy.self) ?? .off
        let media = MediaProfile(
            codecs: codecs(map["codecs"], default: Self.defaultCodecs(for: defaults)),
            dtmf: dtmf(map["dtmf"], default: defaults == .door ? DTMFProfile.doorDefault : DTMFProfile.phoneDefault),
            srtp: srtp,
            video: reader.enumeration(map["video"], key: "video", VideoPolicy.self) ?? .pass,
            srtpSuites: srtpSuites(map["srtp_suites"], policy: srtp))
        let perMinute = reader.integer(map["calls_per_minute"], key: "calls_per_minute", range: 1...DialPlan.maximumCallsPerMinute)
        guard let kind, let authentication else { return nil }
        return Endpoint(name: name, class: kind, number: number ?? name, authentication: authentication, media: media,
                        callLimit: limit ?? Endpoint.defaultCallLimit(for: kind),
                        giveUp: giveUp ?? (kind == .door ? .seconds(60) : nil),
                        transport: reader.enumeration(map["transport"], key: "transport", Endpoint.TransportPolicy.self) ?? .any,
                        position: reader.position(of: node), callsPerMinute: perMinute)
    }

    mutating func decodeAuth(_ node: Node, endpoint: String) -> Endpoint.Authentication? {
        guard let map = object(node, DialPlanSchema.auth, what: "auth of '\(endpoint)'") else { return nil }
        let hasSecret = ["password_env", "password_file", "ha1"].contains { map[$0] != nil }
        if let source = map["source"] {
            if map["user"] != nil || hasSecret {
                reader.error(at: node, "auth of '\(endpoint)' mixes `source` with digest credentials",
                             fix: "use either `source: ADDRESS` or `user:` with a secret, not both")
            }
            let networks = networks(source, key: "source")
            return networks.isEmpty ? nil : .source(networks)
        }
        guard let userNode = map["user"], let user = reader.string(userNode, key: "user") else {
            reader.error(at: node, "auth of '\(endpoint)' gives neither `user` nor `source`",
                         fix: "add `user: NAME` with `password_env: VARIABLE`, or `source: ADDRESS` for a device that cannot register")
            return nil
        }
        let realm = reader.string(map["realm"], key: "realm")
        guard let secret = secret(map, at: node, what: "auth of '\(endpoint)'") else { return nil }
        return .digest(user: user, secret: secret, realm: realm)
    }

    mutating func decodeGroup(_ name: String, _ node: Node) -> RingGroup? {
        guard let map = object(node, DialPlanSchema.group, what: "group '\(name)'") else { return nil }
        let members = map["members"].map { references($0, key: "members") } ?? []
        if let node = map["members"], members.isEmpty, node.sequence != nil {
            reader.error(at: node, "group '\(name)' has no members", fix: "list endpoints: `members: [alice, bob]`")
        }
        return RingGroup(name: name, members: members,
                         strategy: reader.enumeration(map["strategy"], key: "strategy", RingStrategy.self) ?? .parallel,
                         memberTimeout: reader.duration(map["member_timeout"], key: "member_timeout",
                                                        range: .seconds(1)...Duration.seconds(600)),
                         position: reader.position(of: node))
    }

    mutating func decodePolicy(_ node: Node?) -> Policy {
        guard let node, let map = object(node, DialPlanSchema.policy, what: "policy") else { return .standard() }
        let country = map["country"].flatMap { countryCode($0) } ?? "46"
        var policy = Policy.standard(country: country)
        policy.position = reader.position(of: node)
        if let node = map["trunk_classes"] {
            policy.trunkClasses = Set(reader.scalarList(node, key: "trunk_classes").compactMap {
                reader.enumeration($0, key: "trunk_classes", Endpoint.Class.self)
            })
        }
        if let node = map["block"] {
            policy.blocked = reader.scalarList(node, key: "block").compactMap { item in
                guard let text = item.scalar?.string else { return nil }
                if let category = DestinationCategory(rawValue: text) { return .category(category) }
                if text.hasPrefix("+"), text.count > 1, text.dropFirst().allSatisfy(\.isNumber) { return .prefix(text) }
                reader.error(at: item, "cannot block '\(text)'",
                             fix: "write international, premium, or an E.164 prefix such as +4671")
                return nil
            }
        }
        if let node = map["premium"] {
            policy.premiumPrefixes = reader.scalarList(node, key: "premium").compactMap { item in
                guard let text = dialString(item, key: "premium") else { return nil }
                if text.hasPrefix("+") { return text }
                reader.error(at: item, "premium prefixes are written in E.164, not '\(text)'", fix: "write it as +\(country)…")
                return nil
            }
        }
        if let node = map["allow"], let allow = object(node, DialPlanSchema.policyAllow, what: "policy allow") {
            for category in DestinationCategory.allCases {
                guard let list = allow[category.rawValue] else { continue }
                policy.allow[category] = Set(reader.scalarList(list, key: category.rawValue).compactMap {
                    reader.enumeration($0, key: category.rawValue, Endpoint.Class.self)
                })
            }
        }
        if let node = map["rate_limit"], let limits = object(node, DialPlanSchema.rateLimit, what: "rate_limit") {
            policy.rateLimit.callsPerMinute = reader.integer(limits["calls_per_minute"], key: "calls_per_minute",
                                                             range: 1...DialPlan.maximumCallsPerMinute) ?? policy.rateLimit.callsPerMinute
            policy.rateLimit.registrationsPerMinute = reader.integer(
                limits["registrations_per_minute"], key: "registrations_per_minute", range: 1...100_000)
                ?? policy.rateLimit.registrationsPerMinute
        }
        return policy
    }

    mutating func countryCode(_ node: Node) -> String? {
        guard let text = reader.string(node, key: "country") else { return nil }
        if (1...3).contains(text.count), text.allSatisfy(\.isNumber), !text.hasPrefix("0") { return text }
        reader.error(at: node, "'country' must be a country calling code such as 46, not '\(text)'",
                     fix: "write the code without + or 00")
        return nil
    }
}
