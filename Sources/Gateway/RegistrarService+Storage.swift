import NIOPosix
import SIPStack

@available(macOS 15.0, *)
extension RegistrarService {
    /// Runs ``register(_:context:)`` on the ``StorageThreadPool``: its SQLite reads and the
    /// durable write (`synchronous=FULL`, an fsync) would otherwise stall every call on the event loop.
    /// The response is sent from the pool thread after the write commits, so "written before
    /// the 200 OK" (RFC 3261 §10.3 step 7) still holds; `respond` hops to the transaction's loop.
    func registerOffLoop(_ transaction: SIPServerTransaction) {
        StorageThreadPool.shared.submit { [self] state in
            guard case .active = state else {
                try? transaction.respond(status: 503, reason: "Service Unavailable")
                return
            }
            let response = register(transaction.request, context: transaction.context)
            do { try transaction.respond(response) } catch {
                logger.warning("cannot respond", metadata: ["method": "REGISTER", "error": "\(error)"])
            }
        }
    }
}
