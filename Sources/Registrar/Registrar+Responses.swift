import SIPCore

extension Registrar {
    /// The 200 OK (§10.3 step 8): every current binding as a Contact with its remaining
    /// `expires`; `toTag` fixes the To tag (tests), else a random one; Path echoed when the UA supports it (RFC 3327 §5.3); `Require: outbound` when an
    /// RFC 5626 flow was registered by a UA that supports it (RFC 5626 §6).
    public func response(to request: SIPMessage, outcome: RegisterOutcome, now: Int64, toTag: String? = nil) -> SIPMessage {
        var response = request.makeResponse(status: 200, toTag: toTag)
        for binding in outcome.bindings {
            response.headers.append(.contact, value: binding.contactHeaderValue(now: now))
        }
        let supported = (try? request.supported).map { Set($0.tags.map { $0.lowercased() }) } ?? []
        if supported.contains("path") {
            for value in request.headers.values(.path) { response.headers.append(.path, bytes: value) }
        }
        if supported.contains("outbound"), outcome.change.upserts.contains(where: { $0.regID != nil }) {
            response.headers.append(.require, value: "outbound")
        }
        return response
    }

    /// The failure response for `error`, with `Min-Expires` on a 423 (§10.3 step 7).
    public func response(to request: SIPMessage, error: RegistrarError, toTag: String? = nil) -> SIPMessage {
        let status = error.status
        var response = request.makeResponse(status: status.code, reason: status.reason, toTag: toTag)
        if case .intervalTooBrief(let minimum) = error {
            response.headers.append(.minExpires, value: String(minimum))
        }
        return response
    }
}
