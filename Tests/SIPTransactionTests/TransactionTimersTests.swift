import SIPTransaction
import Testing

@Suite struct TransactionTimersTests {
    /// RFC 3261 Appendix A, Table 4.
    @Test func defaultsAreTheRFCValues() throws {
        let timers = TransactionTimers.rfc3261
        let udp: [TransactionTimer: Duration?] = [
            .a: .s(0.5), .b: .s(32), .d: .s(32), .e: .s(0.5), .f: .s(32), .g: .s(0.5),
            .h: .s(32), .i: .s(5), .j: .s(32), .k: .s(5), .l: .s(32), .m: .s(32),
        ]
        let tcp: [TransactionTimer: Duration?] = [
            .a: nil, .b: .s(32), .d: nil, .e: nil, .f: .s(32), .g: nil,
            .h: .s(32), .i: nil, .j: nil, .k: nil, .l: .s(32), .m: .s(32),
        ]
        for timer in TransactionTimer.allCases {
            #expect(timers.initialValue(of: timer, over: .unreliable) == udp[timer] ?? nil, "\(timer) over UDP")
            #expect(timers.initialValue(of: timer, over: .reliable) == tcp[timer] ?? nil, "\(timer) over TCP")
        }
        #expect(try timers.validated() == timers)
    }

    @Test func validationNamesTheBadSetting() {
        #expect(throws: TransactionTimers.ValidationError.t1NotPositive(.zero)) {
            try TransactionTimers(t1: .zero).validated()
        }
        #expect(throws: TransactionTimers.ValidationError.t2BelowT1(t1: .s(5), t2: .s(4))) {
            try TransactionTimers(t1: .s(5)).validated()
        }
        #expect(throws: TransactionTimers.ValidationError.t4NotPositive(.s(-1))) {
            try TransactionTimers(t4: .s(-1)).validated()
        }
        #expect(throws: TransactionTimers.ValidationError.timerDNotPositive(.zero)) {
            try TransactionTimers(timerDUnreliable: .zero).validated()
        }
        #expect(TransactionTimers.ValidationError.t1NotPositive(.zero).description.contains("500 ms"))
    }

    @Test func actionsCollectionKeepsOrderAndCompares() {
        let actions = TransactionActions<ClientTransactionAction>([.sendRequest, .startTimer(.b, after: .s(32))])
        #expect(actions.count == 2)
        #expect(Array(actions) == [.sendRequest, .startTimer(.b, after: .s(32))])
        #expect(actions == TransactionActions(.sendRequest, .startTimer(.b, after: .s(32))))
        #expect(actions != TransactionActions(.sendRequest))
        #expect(TransactionActions<ClientTransactionAction>().isEmpty)
        #expect(actions.description == "[sendRequest, startTimer(SIPTransaction.TransactionTimer.b, after: 32.0 seconds)]")
    }
}
