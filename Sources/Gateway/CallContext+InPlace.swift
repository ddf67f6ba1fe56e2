import B2BUA

/// In-place access to the call's ``CallStateMachine`` and its legs' ``CallContext/LegState``s.
/// Both are large structs held in an optional property or a dictionary: taken out
/// (`guard var current = machine`, `let leg = legs[id]`), or read through a method or computed
/// property, they are copied whole (every reference in them retained and released), and a copy
/// taken out to mutate makes each array it changes copy itself as well. Reached through optional
/// chaining (`machine?.…`) or by dictionary index (``withLeg(_:_:)``) they are used where they are stored.
@available(macOS 15.0, *)
extension CallContext {
    /// Runs `body` on the machine in place; nil when there is none yet. `body` must not touch
    /// `self.machine` (exclusive access).
    func withMachine<Result>(_ body: (inout CallStateMachine) -> Result) -> Result? {
        machine?.apply(body)
    }

    /// Runs `body` on leg `id`'s state in place; nil when there is no such leg. `body` must not
    /// touch `self.legs`. Through `values[index]` (the element's address): the dictionary's
    /// `legs[id]?.…` accessor copies the value back into its storage after the change.
    func withLeg<Result>(_ id: CallLegID, _ body: (inout LegState) -> Result) -> Result? {
        guard let index = legs.index(forKey: id) else { return nil }
        return body(&legs.values[index])
    }

    /// Runs `body` on every leg's state in place (iterating `legs.values` copies each one).
    func forEachLeg(_ body: (inout LegState) -> Void) {
        var index = legs.startIndex
        while index != legs.endIndex {
            body(&legs.values[index])
            legs.formIndex(after: &index)
        }
    }

    /// The machine's answered leg (``CallStateMachine/answeredLeg``), read in place.
    var answeredLegID: CallLegID? {
        machine?.apply { $0.answeredLeg }
    }

    /// The leg holding the caller's role after a caller REFER (``CallStateMachine/callerLeg``).
    var callerLegID: CallLegID? {
        machine?.apply { $0.callerLeg }
    }

    /// ``CallStateMachine/inboundCarriesCaller``; nil before the machine exists.
    var inboundCarriesCaller: Bool? {
        machine?.apply { $0.inboundCarriesCaller }
    }

    /// The side a leg stands for (``CallStateMachine/side(of:)``).
    func machineSide(of id: CallLegID) -> CallSide? {
        machine?.apply { $0.side(of: id) }
    }
}

extension CallStateMachine {
    /// `body` on the machine itself (``CallContext/withMachine(_:)``: reached through optional
    /// chaining, so the stored machine is used in place).
    @inline(__always)
    mutating func apply<Result>(_ body: (inout CallStateMachine) -> Result) -> Result {
        body(&self)
    }
}
