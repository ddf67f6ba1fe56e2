import B2BUA
import Foundation

/// Video ports reserved mid-call (B2BUA CallStateMachine+VideoPorts.swift): the engine is asked
/// through ``MediaSessionControlling``, in order with the call's other media operations
/// (``chainMedia(_:)``), and its answer goes back to the machine on the call's loop.
@available(macOS 15.0, *)
extension CallContext {
    /// ``CallAction/allocateVideo``: ports or nil (exhausted, or the call is gone) to
    /// ``CallStateMachine/receiveVideoPorts(_:at:)``.
    func allocateVideo() {
        let shard = self.shard
        chainMedia { [self] media, id in
            let ports: VideoAllocation?
            do {
                ports = try await media.allocateVideo(callID: id)
            } catch {
                logger.info("no video ports for the call", metadata: ["callID": "\(id)", "error": "\(error)"])
                ports = nil
            }
            // After the call's end its release (chained behind this) frees the ports.
            shard.run { if !self.finished { self.drive { $0.receiveVideoPorts(ports, at: Date()) } } }
        }
    }

    /// ``CallAction/releaseVideo``: the other side refused the offer carrying the new ports.
    func releaseVideo() {
        chainMedia { media, id in await media.releaseVideo(callID: id) }
    }
}
