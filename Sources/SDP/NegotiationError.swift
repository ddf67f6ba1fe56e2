/// Why an offer/answer exchange failed as a whole. The B2BUA maps every case to
/// `488 Not Acceptable Here` (RFC 3261 §21.4.26) or, for a broken answer, to a BYE/ACK-then-BYE.
public enum NegotiationError: Error, Sendable, Hashable {
    /// Every stream was rejected; each entry is (m-line index, reason).
    case noAcceptableMedia([StreamFailure])
    /// The answer has a different number of `m=` lines than the offer (RFC 3264 §6).
    case streamCountMismatch(offered: Int, answered: Int)
    /// The answer's stream at this index has a different media kind than the offer's.
    case mediaMismatch(index: Int)
    /// The answer's crypto line names a tag or suite we did not offer (RFC 4568 §6.1).
    case unofferedCrypto(index: Int)

    /// One rejected stream in ``noAcceptableMedia(_:)``.
    public struct StreamFailure: Sendable, Hashable {
        /// The `m=` line index.
        public var index: Int
        /// Why it was rejected.
        public var reason: StreamRejection

        /// Creates an entry.
        public init(index: Int, reason: StreamRejection) {
            self.index = index
            self.reason = reason
        }
    }
}
