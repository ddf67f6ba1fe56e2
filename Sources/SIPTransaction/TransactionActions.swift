/// The actions one event produces, in the order the I/O layer must perform them.
///
/// A transaction event yields at most a handful of actions, so they are kept inline rather than
/// in an `Array`: handling a SIP message costs no allocation here.
public struct TransactionActions<Action>: RandomAccessCollection {
    /// The most actions any event of the four machines produces, plus headroom.
    public static var capacity: Int { 6 }

    private var a0: Action?
    private var a1: Action?
    private var a2: Action?
    private var a3: Action?
    private var a4: Action?
    private var a5: Action?

    /// The number of actions.
    public private(set) var count: Int = 0

    /// No actions: the event was absorbed.
    public init() {}

    /// One action.
    public init(_ action: Action) {
        append(action)
    }

    /// Two actions, in order.
    public init(_ first: Action, _ second: Action) {
        append(first)
        append(second)
    }

    /// Actions from a list (mostly for tests and documentation).
    public init(_ actions: [Action]) {
        for action in actions { append(action) }
    }

    /// Appends an action. The machines never exceed ``capacity``; exceeding it is a bug in this
    /// module, not something peer input can cause.
    mutating func append(_ action: Action) {
        switch count {
        case 0: a0 = action
        case 1: a1 = action
        case 2: a2 = action
        case 3: a3 = action
        case 4: a4 = action
        case 5: a5 = action
        default: preconditionFailure("a transaction event produced more than \(Self.capacity) actions")
        }
        count += 1
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Action {
        precondition(position >= 0 && position < count, "TransactionActions index out of range")
        let slot: Action?
        switch position {
        case 0: slot = a0
        case 1: slot = a1
        case 2: slot = a2
        case 3: slot = a3
        case 4: slot = a4
        default: slot = a5
        }
        // Every slot below `count` was filled by `append`.
        return slot.unsafelyUnwrapped
    }
}

extension TransactionActions: Sendable where Action: Sendable {}

extension TransactionActions: Equatable where Action: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.elementsEqual(rhs)
    }
}

extension TransactionActions: CustomStringConvertible {
    public var description: String { "[" + map { "\($0)" }.joined(separator: ", ") + "]" }
}
