// What the I/O layer must still keep next to a machine, by state. A transaction that reached its
// terminal-wait state (Completed, Confirmed, Accepted) lingers up to 64·T1 to absorb
// retransmissions; it needs far less than the request and responses it started with.

/// What the I/O layer keeps for a server transaction in its current state (RFC 3261 §17.2).
public enum ServerTransactionRetention: Sendable, Hashable {
    /// Trying or Proceeding (and before ``ServerInviteTransaction/start()``): the request (the TU
    /// holds it, a 100 Trying and a CANCEL's 200 are built from it) and the last provisional
    /// response, which answers a retransmitted INVITE (§17.2.1).
    case request
    /// Completed: only the final response as sent and where it went. A retransmitted request
    /// (§17.2.1, §17.2.2) and Timer G (§17.2.1) send these same bytes again.
    case finalResponse
    /// Confirmed, Accepted, Terminated: the key alone. Confirmed absorbs ACKs and INVITE
    /// retransmissions (§17.2.1); Accepted absorbs INVITE retransmissions and passes ACKs and the
    /// TU's own 2xx retransmissions through (RFC 6026 §8.7), none of which needs a stored message.
    case keyOnly
}

/// What the I/O layer keeps for a client transaction in its current state (RFC 3261 §17.1).
public enum ClientTransactionRetention: Sendable, Hashable {
    /// Calling, Trying, Proceeding (and before `start()`): the request (retransmitted by Timers
    /// A and E, the source of the ACK and of a CANCEL) and the transaction user's handler.
    case request
    /// INVITE Completed: only the ACK for the non-2xx final response and its destination; a
    /// retransmitted final response is answered with the same ACK (§17.1.1.2).
    case ack
    /// INVITE Accepted: the transaction user's handler, which gets every retransmitted 2xx
    /// (RFC 6026 §8.4); no message.
    case handler
    /// Non-INVITE Completed, Terminated: the key alone; retransmitted final responses are
    /// absorbed (§17.1.2.2).
    case keyOnly
}

extension ServerInviteTransaction {
    /// What the I/O layer must still keep in this state.
    public var retention: ServerTransactionRetention {
        switch state {
        case .initial, .proceeding: .request
        case .completed: .finalResponse
        case .confirmed, .accepted, .terminated: .keyOnly
        }
    }
}

extension ServerNonInviteTransaction {
    /// What the I/O layer must still keep in this state.
    public var retention: ServerTransactionRetention {
        switch state {
        case .initial, .trying, .proceeding: .request
        case .completed: .finalResponse
        case .terminated: .keyOnly
        }
    }
}

extension ClientInviteTransaction {
    /// What the I/O layer must still keep in this state.
    public var retention: ClientTransactionRetention {
        switch state {
        case .initial, .calling, .proceeding: .request
        case .completed: .ack
        case .accepted: .handler
        case .terminated: .keyOnly
        }
    }
}

extension ClientNonInviteTransaction {
    /// What the I/O layer must still keep in this state.
    public var retention: ClientTransactionRetention {
        switch state {
        case .initial, .trying, .proceeding: .request
        case .completed, .terminated: .keyOnly
        }
    }
}
