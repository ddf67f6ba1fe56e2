import NIOPosix
import Registrar
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension RegistrarService {
    /// Runs ``register(_:context:)`` on the ``StorageThreadPool``, its write grouped with others
    /// (``BindingWriter``): its SQLite reads and the
    /// durable write (`synchronous=FULL`, an fsync) would otherwise stall every call on the event loop.
    /// The response is sent from the pool thread after the write commits, so "written before
    /// the 200 OK" (RFC 3261 §10.3 step 7) still holds; `respond` hops to the transaction's loop.
    func registerOffLoop(_ transaction: SIPServerTransaction) {
        StorageThreadPool.shared.submit { [self] state in
            guard case .active = state else {
                try? transaction.respond(status: 503, reason: "Service Unavailable")
                return
            }
            let request = transaction.request
            // One REGISTER of an AOR at a time from the read to the queued change (BindingWriter).
            writer.serialized(try? Registrar.addressOfRecord(of: request)) {
                var pending: [UInt64] = []
                let prepared = prepareRegister(request, context: transaction.context) { aor, now in
                    let read = try writer.read(aor, now: now)
                    pending = read.pending
                    return read.bindings
                }
                // A 200 that lists uncommitted contacts waits for them even when it writes nothing.
                let success = prepared.response.statusCode.map { (200...299).contains($0) } ?? false
                guard prepared.change != nil || (success && !pending.isEmpty) else { return respond(transaction, prepared.response) }
                // Group commit (BindingWriter): the 200 goes out once the batch holding this change committed.
                writer.submit(prepared.change, after: pending) { [self] committed in
                    respond(transaction, committed ? prepared.response
                        : registrar.response(to: request, error: RegistrarError.storageFailure))
                }
            }
        }
    }

    func respond(_ transaction: SIPServerTransaction, _ response: SIPMessage) {
        do { try transaction.respond(response) } catch {
            logger.warning("cannot respond", metadata: ["method": "REGISTER", "error": "\(error)"])
        }
    }
}
