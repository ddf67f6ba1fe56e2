import SIPTransaction

/// One of the two server machines, so the shard keeps one table (RFC 3261 §17.2).
enum ServerMachine {
    case invite(ServerInviteTransaction)
    case nonInvite(ServerNonInviteTransaction)

    init(isInvite: Bool, transport: TransportReliability, timers: TransactionTimers, sendsTrying: Bool) {
        self = isInvite
            ? .invite(ServerInviteTransaction(transport: transport, timers: timers, sendsTrying: sendsTrying))
            : .nonInvite(ServerNonInviteTransaction(transport: transport, timers: timers))
    }

    /// What the entry must still keep (RFC 3261 §17.2; SIPTransaction's TransactionRetention).
    var retention: ServerTransactionRetention {
        switch self {
        case .invite(let m): m.retention
        case .nonInvite(let m): m.retention
        }
    }

    mutating func start() -> TransactionActions<ServerTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.start()
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.start()
        }
    }

    mutating func receivedRequestRetransmission() -> TransactionActions<ServerTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.receivedRequestRetransmission()
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.receivedRequestRetransmission()
        }
    }

    mutating func receivedAck() -> TransactionActions<ServerTransactionAction> {
        guard case .invite(var m) = self else { return .init() }
        defer { self = .invite(m) }
        return m.receivedAck()
    }

    mutating func receivedCancel() -> TransactionActions<ServerTransactionAction> {
        guard case .invite(var m) = self else { return .init() }
        defer { self = .invite(m) }
        return m.receivedCancel()
    }

    mutating func tuSendsResponse(statusCode: Int) throws(TransactionUsageError) -> TransactionActions<ServerTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return try m.tuSendsResponse(statusCode: statusCode)
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return try m.tuSendsResponse(statusCode: statusCode)
        }
    }

    mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ServerTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.timerFired(timer)
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.timerFired(timer)
        }
    }

    mutating func transportError() -> TransactionActions<ServerTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.transportError()
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.transportError()
        }
    }
}

/// One of the two client machines (RFC 3261 §17.1).
enum ClientMachine {
    case invite(ClientInviteTransaction)
    case nonInvite(ClientNonInviteTransaction)

    init(isInvite: Bool, transport: TransportReliability, timers: TransactionTimers) {
        self = isInvite
            ? .invite(ClientInviteTransaction(transport: transport, timers: timers))
            : .nonInvite(ClientNonInviteTransaction(transport: transport, timers: timers))
    }

    /// What the entry must still keep (RFC 3261 §17.1; SIPTransaction's TransactionRetention).
    var retention: ClientTransactionRetention {
        switch self {
        case .invite(let m): m.retention
        case .nonInvite(let m): m.retention
        }
    }

    mutating func start() -> TransactionActions<ClientTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.start()
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.start()
        }
    }

    mutating func receivedResponse(statusCode: Int) -> TransactionActions<ClientTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.receivedResponse(statusCode: statusCode)
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.receivedResponse(statusCode: statusCode)
        }
    }

    mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ClientTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.timerFired(timer)
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.timerFired(timer)
        }
    }

    mutating func transportError() -> TransactionActions<ClientTransactionAction> {
        switch self {
        case .invite(var m): defer { self = .invite(m) }; return m.transportError()
        case .nonInvite(var m): defer { self = .nonInvite(m) }; return m.transportError()
        }
    }

    mutating func cancelSent() -> TransactionActions<ClientTransactionAction> {
        guard case .invite(var m) = self else { return .init() }
        defer { self = .invite(m) }
        return m.cancelSent()
    }
}
