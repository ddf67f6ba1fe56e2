import SIPTransaction
import Testing

/// A client and a server transaction talking over a virtual link with a fixed one-way delay and a
/// loss plan, on one virtual clock: the transaction layers of a UAC and a UAS back to back.
/// The server's TU answers `answerDelay` after it sees the request, with `finalStatus`.
struct LossyConversation<Client: ClientTransactionMachine, Server: ServerTransactionMachine> {
    /// A message on the wire.
    enum Wire: Hashable {
        case request, ack, response(Int)
    }

    private enum Event {
        case clientTimer(TransactionTimer, generation: Int)
        case serverTimer(TransactionTimer, generation: Int)
        case toServer(Wire)
        case toClient(Wire)
        case serverTUAnswers
    }

    var client: Client
    var server: Server
    let linkDelay: Duration
    let answerDelay: Duration
    let finalStatus: Int
    /// Whether the link drops the `n`th (1-based) transmission of a kind of message.
    let drops: (Wire, Int) -> Bool
    /// How the server takes an ACK (only the INVITE server sees one).
    let serverAck: (inout Server) -> TransactionActions<ServerTransactionAction>

    private(set) var now: Duration = .zero
    /// What the client's TU was told, with times.
    private(set) var clientNotices: [(time: Duration, notice: ClientTransactionNotice, status: Int?)] = []
    /// What the server's TU was told.
    private(set) var serverNotices: [ServerTransactionNotice] = []
    private(set) var sent: [Wire: Int] = [:]
    private(set) var clientEnded: (time: Duration, reason: TransactionTermination)?
    private(set) var serverEnded: (time: Duration, reason: TransactionTermination)?

    private var queue: [(time: Duration, order: Int, event: Event)] = []
    private var order = 0
    private var clientTimers: [TransactionTimer: Int] = [:]
    private var serverTimers: [TransactionTimer: Int] = [:]
    private var serverStarted = false
    private var lastServerStatus = 100
    private var lastReceivedStatus: Int?

    init(
        client: Client, server: Server,
        linkDelay: Duration = .milliseconds(20), answerDelay: Duration, finalStatus: Int,
        drops: @escaping (Wire, Int) -> Bool,
        serverAck: @escaping (inout Server) -> TransactionActions<ServerTransactionAction> = { _ in
            Issue.record("ACK sent to a non-INVITE server transaction")
            return TransactionActions()
        }
    ) {
        self.client = client
        self.server = server
        self.linkDelay = linkDelay
        self.answerDelay = answerDelay
        self.finalStatus = finalStatus
        self.drops = drops
        self.serverAck = serverAck
    }

    /// Runs the conversation to the end: the client starts at time zero.
    mutating func run() throws {
        applyClient(client.start())
        while let next = queue.indices.min(by: { (queue[$0].time, queue[$0].order) < (queue[$1].time, queue[$1].order) }) {
            let item = queue.remove(at: next)
            now = item.time
            #expect(now < .seconds(600), "conversation did not end")
            if now >= .seconds(600) { return }
            switch item.event {
            case .clientTimer(let timer, let generation):
                guard clientTimers[timer] == generation else { continue }
                clientTimers[timer] = nil
                applyClient(client.timerFired(timer))
            case .serverTimer(let timer, let generation):
                guard serverTimers[timer] == generation else { continue }
                serverTimers[timer] = nil
                applyServer(server.timerFired(timer))
            case .toServer(.request):
                if serverStarted {
                    applyServer(server.receivedRequestRetransmission())
                } else {
                    serverStarted = true
                    applyServer(server.start())
                }
            case .toServer(.ack):
                applyServer(serverAck(&server))
            case .toClient(.response(let status)):
                lastReceivedStatus = status
                applyClient(client.receivedResponse(statusCode: status))
            case .toServer(.response), .toClient(.request), .toClient(.ack):
                Issue.record("message sent the wrong way")
            case .serverTUAnswers:
                lastServerStatus = finalStatus
                applyServer(try server.tuSendsResponse(statusCode: finalStatus))
            }
        }
    }

    private mutating func schedule(_ event: Event, after delay: Duration) {
        order += 1
        queue.append((now + delay, order, event))
    }

    private mutating func transmit(_ wire: Wire, toServer: Bool) {
        sent[wire, default: 0] += 1
        if drops(wire, sent[wire, default: 0]) { return }
        schedule(toServer ? .toServer(wire) : .toClient(wire), after: linkDelay)
    }

    private mutating func applyClient(_ actions: TransactionActions<ClientTransactionAction>) {
        for action in actions {
            switch action {
            case .sendRequest, .retransmitRequest: transmit(.request, toServer: true)
            case .sendAck, .retransmitAck: transmit(.ack, toServer: true)
            case .passUp(let notice):
                clientNotices.append((now, notice, notice == .response ? lastReceivedStatus : nil))
            case .startTimer(let timer, let after):
                order += 1
                clientTimers[timer] = order
                schedule(.clientTimer(timer, generation: order), after: after)
            case .cancelTimer(let timer): clientTimers[timer] = nil
            case .terminate(let reason):
                #expect(clientEnded == nil)
                clientEnded = (now, reason)
                clientTimers.removeAll()
            }
        }
    }

    private mutating func applyServer(_ actions: TransactionActions<ServerTransactionAction>) {
        for action in actions {
            switch action {
            case .sendTrying: transmit(.response(100), toServer: false)
            case .sendResponse, .retransmitLastResponse: transmit(.response(lastServerStatus), toServer: false)
            case .passUp(let notice):
                serverNotices.append(notice)
                if notice == .request { schedule(.serverTUAnswers, after: answerDelay) }
            case .startTimer(let timer, let after):
                order += 1
                serverTimers[timer] = order
                schedule(.serverTimer(timer, generation: order), after: after)
            case .cancelTimer(let timer): serverTimers[timer] = nil
            case .terminate(let reason):
                #expect(serverEnded == nil)
                serverEnded = (now, reason)
                serverTimers.removeAll()
            }
        }
    }
}

/// The client events the conversation needs, shared by both client machines.
protocol ClientTransactionMachine: DrivableTransaction where Action == ClientTransactionAction {
    mutating func start() -> TransactionActions<ClientTransactionAction>
    mutating func receivedResponse(statusCode: Int) -> TransactionActions<ClientTransactionAction>
}

/// The server events the conversation needs, shared by both server machines.
protocol ServerTransactionMachine: DrivableTransaction where Action == ServerTransactionAction {
    mutating func start() -> TransactionActions<ServerTransactionAction>
    mutating func receivedRequestRetransmission() -> TransactionActions<ServerTransactionAction>
    mutating func tuSendsResponse(statusCode: Int) throws(TransactionUsageError) -> TransactionActions<ServerTransactionAction>
}

extension ClientInviteTransaction: ClientTransactionMachine {}
extension ClientNonInviteTransaction: ClientTransactionMachine {}
extension ServerInviteTransaction: ServerTransactionMachine {}
extension ServerNonInviteTransaction: ServerTransactionMachine {}
