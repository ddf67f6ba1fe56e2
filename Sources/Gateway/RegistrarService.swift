import CoreMetrics
import DialPlan
import Foundation
import Logging
import Registrar
import SIPCore
import SIPStack
import SIPTransport
import Synchronization

/// The transaction user of the running gateway: REGISTER goes to the registrar with digest
/// authentication against the dial plan's endpoints (RFC 3261 §10.3); everything else gets a
/// clear final answer until call routing is wired.
@available(macOS 15.0, *)
public final class RegistrarService: Sendable {
    /// Methods this service answers (the `Allow` of 405/501 responses, RFC 3261 §20.5).
    public static let allowed = "REGISTER, OPTIONS, INVITE, ACK, CANCEL, BYE"

    let dialPlans: DialPlanStore
    let store: any BindingStore
    let registrar: Registrar
    let options: OptionsResponder
    let logger: Logger
    /// Hears every digest outcome (failures count towards a ban of the source).
    let security: SecurityService?
    /// Nonce issue and replay tracking, shared by every event loop.
    let authenticator: Mutex<DigestAuthenticator>
    /// Counts wrong credentials (not the first, credential-less challenge).
    let authFailures: CoreMetrics.Counter?
    /// Digest users by name, per dial-plan version (DigestDirectory.swift).
    let directory = DigestDirectory()
    /// Group commit of the REGISTER writes made off the event loops (RegistrarService+Storage.swift).
    let writer: BindingWriter

    /// Creates the service; `algorithms` are offered strongest first.
    public init(dialPlans: DialPlanStore, store: any BindingStore, realm: String, algorithms: [DigestHash],
                registrar: Registrar = Registrar(), options: OptionsResponder = OptionsResponder(),
                security: SecurityService? = nil, logger: Logger, authFailures: CoreMetrics.Counter? = nil,
                groupCommit: Bool = true) {
        self.security = security
        self.authFailures = authFailures
        self.dialPlans = dialPlans
        self.store = store
        self.writer = BindingWriter(store: store, maxBatch: groupCommit ? BindingWriter.defaultMaxBatch : 1)
        self.registrar = registrar
        self.options = options
        self.logger = logger
        self.authenticator = Mutex(DigestAuthenticator(realm: realm, algorithms: algorithms))
    }

    /// The transaction user to give `SIPStack`.
    public var user: SIPTransactionUser {
        SIPTransactionUser(request: { [self] transaction in handle(transaction) })
    }

    func handle(_ transaction: SIPServerTransaction) {
        let request = transaction.request
        let response: SIPMessage
        switch request.method {
        case .register?:
            // SQLite work runs on the thread pool, never on the event loop (RegistrarService+Storage).
            registerOffLoop(transaction)
            return
        case .options?:
            response = options.response(to: request)
        case .invite?:
            // Routing is issue 9: until then a clear temporary failure (RFC 3261 §21.4.18).
            var message = request.makeResponse(status: 480, reason: "Temporarily Unavailable", toTag: SIPMessage.makeTag())
            message.headers.append(.warning, value: "399 gatehouse \"calls not yet routed\"")
            response = message
        case .bye?, .cancel?, .prack?, .update?, .info?:
            // No dialogs exist yet (RFC 3261 §12.2.2, §9.2).
            response = request.makeResponse(status: 481, toTag: SIPMessage.makeTag())
        case .subscribe?, .notify?, .refer?, .message?, .publish?:
            var message = request.makeResponse(status: 405, toTag: SIPMessage.makeTag())
            message.headers.append(.allow, value: Self.allowed)
            response = message
        default:
            // RFC 3261 §8.2.1: a method the server does not recognize.
            var message = request.makeResponse(status: 501, reason: "Not Implemented", toTag: SIPMessage.makeTag())
            message.headers.append(.allow, value: Self.allowed)
            response = message
        }
        do { try transaction.respond(response) } catch {
            logger.warning("cannot respond", metadata: ["method": "\(request.method?.rawValue ?? "?")", "error": "\(error)"])
        }
    }

    /// RFC 3261 §10.3 steps 2–8: authenticate, check the AOR belongs to the user, update the
    /// bindings in the store, then answer with the current contacts.
    func register(_ request: SIPMessage, context: SIPMessageContext) -> SIPMessage {
        let prepared = prepareRegister(request, context: context) { aor, now in try store.bindings(for: aor, now: now) }
        guard let change = prepared.change else { return prepared.response }
        do { try store.apply(change) } catch { return registrar.response(to: request, error: RegistrarError.storageFailure) }
        return prepared.response
    }

    /// A REGISTER worked out: the response, and the change to commit before sending it (§10.3
    /// step 7; nil when nothing is written: a challenge, a refusal, a query).
    struct PreparedRegister {
        var response: SIPMessage
        var change: BindingChange?
    }

    /// ``register(_:context:)`` up to the write: `read` gives an AOR's live bindings.
    func prepareRegister(_ request: SIPMessage, context: SIPMessageContext,
                         read: (String, Int64) throws -> [Binding]) -> PreparedRegister {
        let now = Int64(Date().timeIntervalSince1970)
        let version = dialPlans.current
        let credentials = (try? request.authorization) ?? []
        let requestURI = request.requestLine.map { String(decoding: $0.uriBytes, as: UTF8.self) }
        let (outcome, failure): (DigestAuthenticator.Outcome, SIPMessage?) = authenticator.withLock { auth in
            let realm = auth.realm
            let outcome = auth.verify(credentials, method: "REGISTER", requestURI: requestURI, now: now) { username in
                Self.secret(of: directory.endpoint(digestUser: username, in: version), realm: realm)
            }
            return (outcome, auth.response(to: request, outcome: outcome, now: now))
        }
        let source = context.source
        security?.reportAuthentication(outcome, from: source)
        guard case .authenticated(let username, _) = outcome else {
            if case .failed = outcome { authFailures?.increment() }
            // Only the outcome is logged: never the Authorization header (it carries the response hash).
            logger.info("REGISTER not authenticated", metadata: [
                "outcome": "\(outcome)", "source": "\(source.ipAddress ?? "?"):\(source.port ?? 0)"])
            return PreparedRegister(response: failure ?? request.makeResponse(status: DigestAuthenticator.failureStatus,
                                                                                reason: DigestAuthenticator.failureReason))
        }
        let endpoint = directory.endpoint(digestUser: username, in: version)
        if let refusal = TransportPolicy.refusal(of: request, from: endpoint, over: context.transport) {
            logger.info("REGISTER refused: TLS required", metadata: ["user": "\(username)", "transport": "\(context.transport)"])
            return PreparedRegister(response: refusal)
        }
        do throws(RegistrarError) {
            let aor = try Registrar.addressOfRecord(of: request)
            guard Self.owns(aor: aor, username: username, endpoint: endpoint)
            else { throw RegistrarError.forbidden }
            let existing: [Binding]
            do { existing = try read(aor, now) } catch { throw RegistrarError.storageFailure }
            let bindingSource = BindingSource(
                transport: context.transport.rawValue, address: source.ipAddress ?? "", port: source.port ?? 0,
                connectionID: context.connection.map { "\($0)" })
            let result = try registrar.process(request, aor: aor, existing: existing, source: bindingSource, now: now)
            logger.info("REGISTER", metadata: [
                "aor": "\(aor)", "user": "\(username)", "bindings": "\(result.bindings.count)",
                "added": "\(result.change.upserts.count)", "removed": "\(result.change.removals.count)"])
            // §10.3 step 7: the writes happen before the 200 is sent (the caller commits `change`).
            let written = result.change.upserts.isEmpty && result.change.removals.isEmpty ? nil : result.change
            return PreparedRegister(response: registrar.response(to: request, outcome: result, now: now), change: written)
        } catch {
            logger.info("REGISTER rejected", metadata: ["user": "\(username)", "error": "\(error)"])
            return PreparedRegister(response: registrar.response(to: request, error: error))
        }
    }

    /// The digest secret of `username` from the plan's endpoints: `password_env` and
    /// `password_file` give the password, a stored `ha1` is MD5 (32 hex) or SHA-256 (64 hex) and
    /// only serves when it was computed for our `realm` (RFC 7616 §3.4.2: A1 contains the realm).
    static func secret(of username: String, in plan: DialPlan, realm: String) -> DigestSecret? {
        let endpoint = plan.endpoints.values.first { endpoint in
            guard case .digest(let user, _, _) = endpoint.authentication else { return false }
            return user == username
        }
        return secret(of: endpoint, realm: realm)
    }

    /// Whether the AOR's user part is the authenticated user, or the name or number of the
    /// endpoint that user belongs to (§10.3 step 3).
    static func owns(aor: String, username: String, plan: DialPlan) -> Bool {
        guard let colon = aor.firstIndex(of: ":"), let at = aor.lastIndex(of: "@"), colon < at else { return false }
        let user = String(aor[aor.index(after: colon)..<at])
        if user == username { return true }
        return plan.endpoints.values.contains { endpoint in
            guard case .digest(let owner, _, _) = endpoint.authentication, owner == username else { return false }
            return user == endpoint.name || user == endpoint.number
        }
    }
}
