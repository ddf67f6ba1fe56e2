import Hummingbird

/// Rejects every request without `Authorization: Bearer <token>` with 401 and a
/// `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let prefix = "Bearer "
        if let value = request.headers[.authorization], value.hasPrefix(prefix),
           AdminToken.matches(value.utf8.dropFirst(prefix.utf8.count), token.utf8) {
            return try await next(request, context)
        }
        var response = AdminResponses.error(.unauthorized, "missing or wrong bearer token")
        response.headers[.wwwAuthenticate] = "Bearer realm=\"gatehouse\""
        return response
    }
}
