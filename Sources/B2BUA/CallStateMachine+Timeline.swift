extension CallStateMachine {
    /// Every outbound leg so far, in creation order, as the call record will list them
    /// (outcome `pending` while a leg rings). The call layer compares them before and after an
    /// event to write the call's timeline (which attempt started, which leg ended how).
    public var legRecords: [CallRecord.LegRecord] { records }

    /// The index of the attempt now ringing, in ``RoutingDecision/attempts``; nil before the
    /// first and after routing ended.
    public var currentAttempt: Int? {
        if case .routing(let attempt) = state { return attempt }
        return nil
    }
}
