/// The dial-plan format, key by key.
public enum DialPlanSchema {
    static let dtmf = SchemaObject([
        .init("mode", .cases(DTMFMode.self), "How digits travel: RFC 4733 events, SIP INFO, in-band tones, or auto."),
        .init("body", .cases(InfoBody.self), "INFO body: application/dtmf-relay (default) or application/dtmf."),
        .init("min_duration", .duration, "Shortest digit sent (doors: 250ms)."),
        .init("gap", .duration, "Pause between digits (doors: 300-500ms)."),
    ])
    static let dtmfField = SchemaType.oneOf([.cases(DTMFMode.self), .object(dtmf)])

    static let credentials: [SchemaField] = [
        .init("user", .text, "Digest user name."),
        .init("password_env", .text, "Environment variable holding the password."),
        .init("password_file", .text, "File holding the password."),
        .init("ha1", .string(pattern: "^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$"), "Precomputed H(A1), hex."),
        .init("realm", .text, "Digest realm (default: the gateway's)."),
    ]
    static let auth = SchemaObject(credentials + [
        .init("source", .one(orList: .text), "Address or network (CIDR) of a device that cannot register."),
    ])

    static let endpoint = SchemaObject([
        .init("class", .cases(Endpoint.Class.self), "What the device is; policy depends on it."),
        .init("number", .number, "Number presented as this endpoint's identity (default: its name)."),
        .init("auth", .object(auth), "Digest credentials, or a source address/network."),
        .init("codecs", .list(.cases(Codec.self)), "Codecs in order of preference."),
        .init("dtmf", dtmfField, "DTMF mode and pacing."),
        .init("srtp", .cases(SRTPPolicy.self), "SRTP: off, offer, or require."),
        .init("srtp_suites", .list(.cases(SRTPSuite.self)), "SDES suites offered and accepted, in order of preference."),
        .init("video", .cases(VideoPolicy.self), "Pass video through or strip it."),
        .init("limit", .integer(1...Endpoint.maximumCallLimit), "Concurrent calls (doors: 2)."),
        .init("calls_per_minute", .integer(1...DialPlan.maximumCallsPerMinute), "New calls per minute (default: policy rate_limit)."),
        .init("give_up", .duration, "How long the device keeps calling before it gives up (doors: 60s)."),
        .init("transport", .cases(Endpoint.TransportPolicy.self), "tls: signalling over TLS only (UDP/TCP requests get 403)."),
    ], required: ["class", "auth"])

    static let register = SchemaObject(credentials + [
        .init("expiry", .duration, "Registration expiry asked for (default 10m)."),
    ], required: ["user"])
    static let numbers = SchemaObject([
        .init("format", .cases(NumberFormat.Style.self), "How the carrier writes numbers."),
        .init("country", .number, "Country code for national numbers."),
        .init("national_prefix", .text, "Trunk prefix for national numbers (default 0)."),
        .init("international_prefix", .text, "Prefix for international numbers (default 00)."),
    ])
    static let identity = SchemaObject([
        .init("from", .number, "From user: our number on this trunk."),
        .init("pai", .cases(IdentityPolicy.Asserted.self), "P-Asserted-Identity: the caller's number, the trunk's, or none."),
        .init("privacy", .cases(IdentityPolicy.Privacy.self), "Privacy header: none or id (anonymous)."),
        .init("diversion", .boolean, "Add Diversion on forwarded calls."),
    ])
    static let probe = SchemaObject([
        .init("interval", .duration, "Time between OPTIONS probes (at least 15s)."),
        .init("down_after", .integer(1...10), "Missed probes before the trunk is down."),
        .init("up_after", .integer(1...10), "Good probes before it is up again."),
    ])
    static let limits = SchemaObject([
        .init("calls", .integer(1...100_000), "Concurrent calls."),
        .init("cps", .integer(1...100_000), "New calls per second."),
        .init("calls_per_minute", .integer(1...DialPlan.maximumCallsPerMinute), "New calls per minute from the trunk (default: cps × 60)."),
    ])
    static let trunk = SchemaObject([
        .init("server", .text, "Carrier host name or address."),
        .init("transport", .cases(Trunk.Transport.self), "udp, tcp or tls."),
        .init("port", .integer(1...65535), "Port; giving one skips RFC 3263 NAPTR/SRV."),
        .init("register", .object(register), "Register with these credentials."),
        .init("allow", .one(orList: .text), "Carrier addresses/networks for an IP-authenticated trunk."),
        .init("dids", .one(orList: .number), "Our numbers: calls from the trunk to anything else are refused."),
        .init("numbers", .object(numbers), "Number format on this trunk."),
        .init("identity", .object(identity), "Caller identity on calls to this trunk."),
        .init("codecs", .list(.cases(Codec.self)), "Codecs in order of preference (default PCMA, PCMU)."),
        .init("dtmf", dtmfField, "DTMF mode (default rfc4733)."),
        .init("srtp", .cases(SRTPPolicy.self), "SRTP toward the carrier."),
        .init("srtp_suites", .list(.cases(SRTPSuite.self)), "SDES suites offered and accepted, in order of preference."),
        .init("options", .oneOf([.boolean, .object(probe)]), "OPTIONS probing, or false to turn it off."),
        .init("limits", .object(limits), "Concurrent calls and calls per second."),
    ], required: ["server"])

    static let group = SchemaObject([
        .init("members", .list(.text), "Endpoints or groups."),
        .init("strategy", .cases(RingStrategy.self), "Ring all at once or one after another."),
        .init("member_timeout", .duration, "Ring time per member when sequential."),
    ], required: ["members"])

    static let numberMatch = SchemaObject([
        .init("exact", .number, "This number only."),
        .init("prefix", .number, "Numbers starting with this."),
        .init("pattern", .text, "A regular expression over the whole number; captures feed $1…$9."),
    ])
    /// `101` may reach the schema as an integer (unquoted YAML), a pattern as text.
    static let to = SchemaType.one(orList: .oneOf([.text, .dialString, .object(numberMatch)]))
    static let window = SchemaObject([
        .init("days", .text, "mon-fri, sat,sun, …"),
        .init("time", .string(pattern: "^[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}$"), "08:00-17:00 (end before start spans midnight)."),
    ])
    static let reject = SchemaObject([
        .init("status", .integer(400...699), "SIP status."),
        .init("reason", .text, "Reason phrase."),
    ], required: ["status"])
    static let rejectField = SchemaType.oneOf([.integer(400...699), .object(reject)])
    static let rewrite = SchemaObject([
        .init("strip", .integer(0...32), "Digits removed from the front."),
        .init("prepend", .number, "Prefix added after stripping."),
    ])
    static let target = SchemaObject([
        .init("ring", .one(orList: .text), "Endpoints or groups to ring."),
        .init("trunk", .text, "Send the call to this trunk."),
        .init("route", .text, "Continue with this route's targets."),
        .init("reject", rejectField, "End the call with this status."),
        .init("strategy", .cases(RingStrategy.self), "For several endpoints: parallel (default) or sequential."),
        .init("timeout", .duration, "Ring time before `no_answer`."),
        .init("next_on", .list(.text), "Outcomes that move on: " + Outcome.vocabulary.joined(separator: ", ") + "."),
        .init("number", .text, "Number sent, with $0 (dialled) and $1…$9 (captures)."),
        .init("rewrite", .object(rewrite), "Strip and prepend digits."),
        .init("diversion", .number, "Our forwarding number, sent in Diversion."),
        .init("identity", .object(identity), "Caller identity for this target."),
    ])
    static let route = SchemaObject([
        .init("name", .text, "Unique name, used in logs and traces."),
        .init("from", .one(orList: .text), "Calling endpoints."),
        .init("from_class", .one(orList: .cases(Endpoint.Class.self)), "Calling classes."),
        .init("from_trunk", .one(orList: .text), "Calls arriving from these trunks."),
        .init("from_network", .one(orList: .text), "Source addresses/networks (CIDR)."),
        .init("to", to, "Dialled number: exact, {prefix: …}, or a pattern starting with ^."),
        .init("when", .one(orList: .object(window)), "Time windows, in the plan's timezone."),
        .init("try", .list(.object(target)), "Targets in order."),
        .init("reject", rejectField, "Refuse matching calls with this status."),
        .init("allow", .list(.cases(DestinationCategory.self)), "Blocked categories this route may reach."),
        .init("on_dtmf_from_callee", .dictionary(.cases(DoorAction.Effect.self)), "Digits from the answering party on a door call."),
    ], required: ["name"])

    static let rateLimit = SchemaObject([
        .init("calls_per_minute", .integer(1...DialPlan.maximumCallsPerMinute), "New calls per minute per endpoint (pbx: 10×)."),
        .init("registrations_per_minute", .integer(1...100_000), "REGISTERs per minute per source."),
    ])
    static let policyAllow = SchemaObject(DestinationCategory.allCases.map {
        .init($0.rawValue, .list(.cases(Endpoint.Class.self)), "Classes that may reach \($0.rawValue) numbers.")
    })
    static let policy = SchemaObject([
        .init("country", .number, "Our country code (default 46)."),
        .init("trunk_classes", .list(.cases(Endpoint.Class.self)), "Classes that may reach trunks at all."),
        .init("block", .list(.text), "international, premium, or E.164 prefixes like +4671."),
        .init("premium", .list(.number), "Premium-rate prefixes, E.164."),
        .init("allow", .object(policyAllow), "Classes allowed blocked categories everywhere."),
        .init("rate_limit", .object(rateLimit), "Per-source limits."),
    ])

    /// The whole file.
    public static let plan = SchemaObject([
        .init("timezone", .text, "IANA time zone for `when` windows (default UTC)."),
        .init("policy", .object(policy), "Plan-wide rules."),
        .init("endpoints", .dictionary(.object(endpoint)), "Internal SIP clients by name."),
        .init("trunks", .dictionary(.object(trunk)), "Carrier trunks by name."),
        .init("groups", .dictionary(.object(group)), "Ring groups by name."),
        .init("routes", .list(.object(route)), "Routes, first match wins."),
    ])
}
