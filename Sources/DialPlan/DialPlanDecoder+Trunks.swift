import OperatorInput
import Yams

extension DialPlanDecoder {
    mutating func decodeTrunk(_ name: String, _ node: Node, policy: Policy) -> Trunk? {
        guard let map = object(node, DialPlanSchema.trunk, what: "trunk '\(name)'") else { return nil }
        let server = reader.string(map["server"], key: "server")
        let transport = reader.enumeration(map["transport"], key: "transport", Trunk.Transport.self) ?? .udp
        let port = reader.integer(map["port"], key: "port", range: 1...65535)
        var registration: Trunk.Registration?
        if let node = map["register"], let register = object(node, DialPlanSchema.register, what: "register of '\(name)'"),
           let user = reader.string(register["user"], key: "user"),
           let secret = secret(register, at: node, what: "register of '\(name)'") {
            registration = Trunk.Registration(
                user: user, secret: secret, realm: reader.string(register["realm"], key: "realm"),
                expiry: reader.duration(register["expiry"], key: "expiry", range: .seconds(60)...Duration.seconds(86_400))
                    ?? .seconds(600))
        }
        let allow = map["allow"].map { networks($0, key: "allow") } ?? []
        let dids = map["dids"].map { node in
            reader.scalarList(node, key: "dids").compactMap { dialString($0, key: "dids") }
        } ?? []
        var numbers = NumberFormat(style: .e164, country: policy.country)
        if let node = map["numbers"], let format = object(node, DialPlanSchema.numbers, what: "numbers of '\(name)'") {
            numbers.style = reader.enumeration(format["format"], key: "format", NumberFormat.Style.self) ?? .e164
            numbers.country = format["country"].flatMap { countryCode($0) } ?? policy.country
            numbers.nationalPrefix = reader.string(format["national_prefix"], key: "national_prefix") ?? "0"
            numbers.internationalPrefix = reader.string(format["international_prefix"], key: "international_prefix") ?? "00"
        }
        let identity = map["identity"].flatMap { decodeIdentity($0, what: "identity of '\(name)'") } ?? IdentityPolicy()
        let srtp = reader.enumeration(map["srtp"], key: "srtp", SRTPPolicy.self) ?? .off
        let media = MediaProfile(codecs: codecs(map["codecs"], default: [.pcma, .pcmu]),
                                 dtmf: dtmf(map["dtmf"], default: .phoneDefault),
                                 srtp: srtp, video: .strip, srtpSuites: srtpSuites(map["srtp_suites"], policy: srtp))
        var probe: Trunk.Probe? = .default
        if let node = map["options"] {
            if node.scalar != nil {
                probe = reader.bool(node, key: "options") == false ? nil : .default
            } else if let options = object(node, DialPlanSchema.probe, what: "options of '\(name)'") {
                probe = Trunk.Probe(
                    interval: reader.duration(options["interval"], key: "interval",
                                              range: Trunk.Probe.minimumInterval...Duration.seconds(3600)) ?? .seconds(30),
                    downAfter: reader.integer(options["down_after"], key: "down_after", range: 1...10) ?? 3,
                    upAfter: reader.integer(options["up_after"], key: "up_after", range: 1...10) ?? 2)
            }
        }
        var callLimit = 30, callsPerSecond = 5
        var perMinute: Int?
        if let node = map["limits"], let limits = object(node, DialPlanSchema.limits, what: "limits of '\(name)'") {
            callLimit = reader.integer(limits["calls"], key: "calls", range: 1...100_000) ?? callLimit
            callsPerSecond = reader.integer(limits["cps"], key: "cps", range: 1...100_000) ?? callsPerSecond
            perMinute = reader.integer(limits["calls_per_minute"], key: "calls_per_minute", range: 1...DialPlan.maximumCallsPerMinute)
        }
        guard let server else { return nil }
        return Trunk(name: name, server: server, transport: transport, port: port, registration: registration,
                     allow: allow, dids: dids, numbers: numbers, identity: identity, media: media, probe: probe,
                     callLimit: callLimit, callsPerSecond: callsPerSecond, position: reader.position(of: node),
                     callsPerMinute: perMinute)
    }

    mutating func decodeIdentity(_ node: Node, what: String) -> IdentityPolicy? {
        guard let map = object(node, DialPlanSchema.identity, what: what) else { return nil }
        return IdentityPolicy(from: dialString(map["from"], key: "from"),
                              asserted: reader.enumeration(map["pai"], key: "pai", IdentityPolicy.Asserted.self) ?? .caller,
                              privacy: reader.enumeration(map["privacy"], key: "privacy", IdentityPolicy.Privacy.self) ?? .none,
                              diversion: reader.bool(map["diversion"], key: "diversion") ?? true)
    }
}
