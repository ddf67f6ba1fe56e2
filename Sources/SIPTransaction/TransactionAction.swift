// The vocabulary shared by the four machines: what the I/O layer is told to do and why a
// transaction ended. The machines hold no messages; the I/O layer keeps the request, the last
// response and the ACK, and builds them from SIPCore messages.

/// Why a transaction reached the Terminated state.
public enum TransactionTermination: Sendable, Hashable {
    /// The transaction ran its course (a final response was delivered and its linger timer, if
    /// any, expired).
    case completed
    /// Timer B, F or H fired: no final response (client) or no ACK (server INVITE).
    case timedOut
    /// The transport reported a fatal error (§17.1.4, §17.2.4).
    case transportError
}

/// A notice a client transaction hands to its transaction user.
public enum ClientTransactionNotice: Sendable, Hashable {
    /// Pass the response just given to ``ClientInviteTransaction/receivedResponse(statusCode:)``
    /// (or the non-INVITE equivalent) to the TU.
    case response
    /// Timer B or F fired: the TU treats this as a 408 (Request Timeout), §8.1.3.1.
    case timeout
    /// The transport failed: the TU treats this as a 503 (Service Unavailable), §8.1.3.1.
    case transportError
}

/// What the I/O layer does for a client transaction.
public enum ClientTransactionAction: Sendable, Hashable {
    /// Send the request for the first time.
    case sendRequest
    /// Send the stored request again (Timer A or E).
    case retransmitRequest
    /// Build the ACK for the non-2xx final response just received (§17.1.1.3), keep it, and send it
    /// to the same address, port and transport as the request.
    case sendAck
    /// Send the kept ACK again: a retransmission of the final response arrived (§17.1.1.2).
    case retransmitAck
    /// Tell the transaction user something.
    case passUp(ClientTransactionNotice)
    /// Start (or restart, replacing any running instance of) the named timer.
    case startTimer(TransactionTimer, after: Duration)
    /// Cancel the named timer if it runs.
    case cancelTimer(TransactionTimer)
    /// The transaction is over: remove it from the transaction table and cancel its timers.
    case terminate(TransactionTermination)
}

/// A notice a server transaction hands to its transaction user.
public enum ServerTransactionNotice: Sendable, Hashable {
    /// The request that created the transaction.
    case request
    /// An ACK for a 2xx arrived in the Accepted state (RFC 6026 §8.7): the TU stops retransmitting
    /// its 2xx (§13.3.1.4).
    case ack
    /// A CANCEL matched this INVITE while no final response was sent (§9.2): the TU should answer
    /// the INVITE with 487 (Request Terminated). The CANCEL's own 200 belongs to the CANCEL's
    /// server transaction.
    case cancel
    /// Timer H fired: the final response was never acknowledged (§17.2.1).
    case timeout
    /// The transport failed while sending a response (§17.2.4).
    case transportError
}

/// What the I/O layer does for a server transaction.
public enum ServerTransactionAction: Sendable, Hashable {
    /// Send the response the TU just passed in and keep it as the most recent response.
    case sendResponse
    /// Build a 100 (Trying) from the request (§8.2.6.1), send it and keep it as the most recent
    /// response (§17.2.1).
    case sendTrying
    /// Send the most recent response again: the request was retransmitted, or Timer G fired.
    case retransmitLastResponse
    /// Tell the transaction user something.
    case passUp(ServerTransactionNotice)
    /// Start (or restart, replacing any running instance of) the named timer.
    case startTimer(TransactionTimer, after: Duration)
    /// Cancel the named timer if it runs.
    case cancelTimer(TransactionTimer)
    /// The transaction is over: remove it from the transaction table and cancel its timers.
    case terminate(TransactionTermination)
}

/// The class of a response status code (RFC 3261 §7.2, §21), as the transaction machines see it.
public enum ResponseClass: Sendable, Hashable {
    /// 100–199.
    case provisional
    /// 200–299.
    case success
    /// 300–699.
    case failure

    /// The class of `statusCode`, or `nil` outside 100–699 (a peer's bad status code is ignored,
    /// never trapped on).
    public init?(statusCode: Int) {
        switch statusCode {
        case 100...199: self = .provisional
        case 200...299: self = .success
        case 300...699: self = .failure
        default: return nil
        }
    }
}

/// A transaction user asked a server transaction for something its state does not allow.
///
/// These are TU bugs or races (the TU answered after Timer H ended the transaction), never peer
/// input; the response was not sent.
public enum TransactionUsageError: Error, Sendable, Hashable {
    /// The status code is outside 100–699.
    case invalidStatusCode(Int)
    /// A final response was already sent; only a 2xx retransmission is allowed, and only by an
    /// INVITE server transaction in the Accepted state (RFC 6026 §8.7).
    case finalResponseAlreadySent(statusCode: Int)
    /// The transaction has not started: no request was handed to it yet.
    case notStarted
    /// The transaction has terminated.
    case terminated
}
