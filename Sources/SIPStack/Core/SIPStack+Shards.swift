import NIOCore

extension SIPStack {
    /// Whether the stack handles messages with this Call-ID on `loop` (their transactions live
    /// there and their events are delivered there). A transaction user that picks its own
    /// Call-IDs (a B2BUA's outbound legs) can choose one handled on the loop its call lives on,
    /// so the leg's requests and responses never cross threads.
    public func handles(callID: String, on loop: any EventLoop) -> Bool {
        shards[SIPStack.shardIndex(Array(callID.utf8)[...], count: shards.count)].eventLoop === loop
    }
}
