/// Why a REGISTER failed. One table, ``status``, maps each case to the SIP status and reason
/// phrase (like Kamailio's registrar `rerrno.h`/`reply.c`).
public enum RegistrarError: Error, Hashable, Sendable {
    /// A header §10.3 needs (To, Call-ID, CSeq) is missing or malformed.
    case missingOrInvalidHeader(String)
    /// A Contact value does not parse or is not a URI we can reach.
    case invalidContact
    /// `Contact: *` with other contacts, or without `Expires: 0` (§10.3 step 6).
    case invalidWildcard
    /// An expiry below the minimum (§10.3 step 7; `Min-Expires` is added).
    case intervalTooBrief(minimum: UInt32)
    /// Same Call-ID with a CSeq not higher than the binding's (§10.3 step 7: "the update MUST be
    /// aborted and the request fails"; RFC 3261 names no code: 500, as Kamailio does).
    case outOfOrder
    /// More contacts than the per-AOR limit.
    case tooManyContacts(limit: Int)
    /// The authenticated user may not register this AOR (§10.3 step 3).
    case forbidden
    /// The binding store failed: nothing was written.
    case storageFailure
    /// The AOR's domain is not one this registrar serves (§10.3 step 3: 404).
    case notOurDomain

    /// The status code and reason phrase sent for this error.
    public var status: (code: Int, reason: String) {
        switch self {
        case .missingOrInvalidHeader: (400, "Bad Request")
        case .invalidContact: (400, "Invalid Contact")
        case .invalidWildcard: (400, "Invalid Wildcard Contact")
        case .intervalTooBrief: (423, "Interval Too Brief")
        case .outOfOrder: (500, "Out of Order Request")
        case .tooManyContacts: (403, "Too Many Contacts")
        case .forbidden: (403, "Forbidden")
        case .storageFailure: (500, "Server Internal Error")
        case .notOurDomain: (404, "Not Found")
        }
    }
}
