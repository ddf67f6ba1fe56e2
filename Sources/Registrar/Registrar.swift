import SIPCore

/// The registrar as a pure machine (RFC 3261 §10.3): given a REGISTER, the AOR's current
/// bindings and the time, it decides the new bindings and the writes to make. The caller writes
/// ``RegisterOutcome/change`` to its ``BindingStore`` and only then sends ``response(to:outcome:now:)``.
///
/// Authentication (§10.3 steps 2–3) and the domain check (step 1) happen before, in the caller.
public struct Registrar: Sendable {
    /// Limits and defaults.
    public struct Policy: Hashable, Sendable {
        /// Below this a non-zero expiry draws `423 Interval Too Brief` (§10.3 step 7).
        public var minExpires: UInt32
        /// Longer requested expiries are shortened to this.
        public var maxExpires: UInt32
        /// Used when neither the contact nor the request gives an expiry (§10.3 step 7).
        public var defaultExpires: UInt32
        /// The most bindings one AOR may hold.
        public var maxContactsPerAOR: Int
        /// The domains (hosts, lowercased) this registrar is responsible for; an AOR in another
        /// domain draws 404 (§10.3 steps 1 and 3). Empty accepts any domain.
        public var domains: Set<String>

        /// Creates a policy.
        public init(minExpires: UInt32 = 60, maxExpires: UInt32 = 3600, defaultExpires: UInt32 = 3600,
                    maxContactsPerAOR: Int = 10, domains: Set<String> = []) {
            self.minExpires = minExpires
            self.maxExpires = maxExpires
            self.defaultExpires = defaultExpires
            self.maxContactsPerAOR = maxContactsPerAOR
            self.domains = Set(domains.map { $0.lowercased() })
        }
    }

    /// The policy in force.
    public var policy: Policy

    /// Creates a registrar.
    public init(policy: Policy = Policy()) { self.policy = policy }

    /// The canonical address of record of a REGISTER: its To URI as `sip[s]:user@host`, host
    /// lowercased, parameters dropped (§10.3 step 5).
    public static func addressOfRecord(of request: SIPMessage) throws(RegistrarError) -> String {
        guard let to = try? request.to, let sip = to.sipURI, let user = sip.user, !user.isEmpty else {
            throw RegistrarError.missingOrInvalidHeader("To")
        }
        return "\(sip.scheme):\(user)@\(sip.host.description.lowercased())"
    }

    /// The host of a canonical AOR (`example.com` of `sip:alice@example.com`; brackets kept for IPv6).
    static func domain(of aor: String) -> String {
        guard let at = aor.lastIndex(of: "@") else { return "" }
        return String(aor[aor.index(after: at)...])
    }

    /// Processes a REGISTER (§10.3 steps 3, 5–8).
    /// - Parameters:
    ///   - existing: the AOR's bindings from the store (expired ones are dropped here).
    ///   - source: where the request came from (stored for NAT traversal).
    public func process(_ request: SIPMessage, aor: String, existing: [Binding], source: BindingSource,
                        now: Int64) throws(RegistrarError) -> RegisterOutcome {
        // §10.3 step 3: an AOR outside our domains is not valid here.
        if !policy.domains.isEmpty, !policy.domains.contains(Self.domain(of: aor)) { throw RegistrarError.notOurDomain }
        guard let callID = request.callID, !callID.isEmpty else { throw RegistrarError.missingOrInvalidHeader("Call-ID") }
        guard let cseq = request.cseqNumber else { throw RegistrarError.missingOrInvalidHeader("CSeq") }
        let contacts: [ContactValue]
        do { contacts = try request.contact } catch { throw RegistrarError.invalidContact }

        var bindings = existing.filter { $0.aor == aor && $0.expiresAt > now }
        let expired = existing.filter { $0.aor == aor && $0.expiresAt <= now }.map(\.key)
        var change = BindingChange(aor: aor, removals: expired)

        // A query: no Contact (§10.3 step 8, §10.2.3).
        guard !contacts.isEmpty else {
            return RegisterOutcome(aor: aor, bindings: Self.ordered(bindings), change: change)
        }
        let headerExpires = Self.headerExpires(request)

        // §10.3 step 6: `*` only alone and with Expires: 0.
        if contacts.contains(.wildcard) {
            guard contacts.count == 1, headerExpires == 0 else { throw RegistrarError.invalidWildcard }
            for binding in bindings where binding.callID == callID && cseq <= binding.cseq { throw RegistrarError.outOfOrder }
            change.removals += bindings.map(\.key)
            return RegisterOutcome(aor: aor, bindings: [], change: change)
        }

        // §10.3 step 7, per contact; nothing is applied unless every contact passes.
        let path = request.headers.values(.path).map { String(decoding: $0, as: UTF8.self) }
        let userAgent = request.headers.firstValue(.userAgent).map { String(decoding: $0, as: UTF8.self) }
        var upserts: [Binding] = []
        var removals: [String] = []
        for contact in contacts {
            guard let address = contact.nameAddress else { throw RegistrarError.invalidContact }
            let requested = contact.expires ?? headerExpires ?? policy.defaultExpires
            if requested != 0 && requested < policy.minExpires { throw RegistrarError.intervalTooBrief(minimum: policy.minExpires) }
            let key = Binding.key(contactURI: address.uri, instance: contact.instance, regID: contact.regID)
            if let current = bindings.first(where: { $0.key == key }), current.callID == callID, cseq <= current.cseq {
                throw RegistrarError.outOfOrder
            }
            upserts.removeAll { $0.key == key }
            removals.removeAll { $0 == key }
            if requested == 0 {
                removals.append(key)
                continue
            }
            let lifetime = min(requested, policy.maxExpires)
            upserts.append(Binding(
                aor: aor, key: key, contact: address.uri.description, q: contact.q?.thousandths,
                expiresAt: now + Int64(lifetime), callID: callID, cseq: cseq, instance: contact.instance,
                regID: contact.regID, path: path, source: source, userAgent: userAgent, updatedAt: now))
        }
        bindings.removeAll { binding in removals.contains(binding.key) || upserts.contains { $0.key == binding.key } }
        bindings += upserts
        guard bindings.count <= policy.maxContactsPerAOR else { throw RegistrarError.tooManyContacts(limit: policy.maxContactsPerAOR) }
        change.upserts = upserts
        change.removals += removals.filter { key in existing.contains { $0.key == key } }
        return RegisterOutcome(aor: aor, bindings: Self.ordered(bindings), change: change)
    }

    /// The `Expires` header value, saturated to 32 bits; nil when absent or malformed.
    static func headerExpires(_ request: SIPMessage) -> UInt32? {
        guard let value = request.expires, value >= 0 else { return nil }
        return UInt32(clamping: value)
    }

    /// Bindings by preference: higher q first (absent q counts as 1.0), then most recently written.
    public static func ordered(_ bindings: [Binding]) -> [Binding] {
        bindings.sorted { lhs, rhs in
            let (a, b) = (lhs.q ?? 1000, rhs.q ?? 1000)
            if a != b { return a > b }
            if lhs.updatedAt != rhs.updatedAt { return lhs.updatedAt > rhs.updatedAt }
            return lhs.key < rhs.key
        }
    }
}

/// What a REGISTER did to an AOR.
public struct RegisterOutcome: Hashable, Sendable {
    /// The address of record.
    public var aor: String
    /// All current bindings after the request, by preference.
    public var bindings: [Binding]
    /// The writes to make before answering.
    public var change: BindingChange
}
