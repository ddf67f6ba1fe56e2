import B2BUA
import SIPCore
import Testing

@Suite struct Q850CauseTests {
    @Test(arguments: [(404, 1), (408, 102), (480, 18), (486, 17), (503, 41), (603, 21)])
    func interopTable(status: Int, cause: Int) {
        #expect(Q850Cause.cause(forStatus: status) == UInt16(cause))
    }

    @Test func completedElsewhereIsTheRFC3326Text() {
        #expect(Q850Cause.completedElsewhere.isSIP)
        #expect(Q850Cause.completedElsewhere.cause == 200)
        #expect(Q850Cause.completedElsewhere.text == "Call completed elsewhere")
    }
}
