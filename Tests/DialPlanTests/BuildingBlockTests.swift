import Foundation
import Testing
@testable import DialPlan

@Suite struct BuildingBlockTests {
    @Test func numberMatches() throws {
        #expect(NumberMatch.exact("101").match("101") == ["101"])
        #expect(NumberMatch.exact("101").match("1011") == nil)
        #expect(NumberMatch.prefix("00").match("0046") == ["0046", "46"])
        let pattern = try NumberMatch.compile("^0([1-9])([0-9]+)$").get()
        #expect(pattern.match("0701") == ["0701", "7", "01"])
        #expect(pattern.match("00701") == nil)
        #expect(pattern.match("x0701") == nil, "patterns match the whole number")
        #expect(throws: NumberMatch.PatternError.self) { try NumberMatch.compile("^0[").get() }
    }

    @Test func coverageForShadowing() throws {
        let mobile = try NumberMatch.compile("^07[0-9]{8}$").get()
        #expect(mobile.isCovered(by: .prefix("0")))
        #expect(mobile.isCovered(by: .prefix("07")))
        #expect(!mobile.isCovered(by: .prefix("08")))
        #expect(try !NumberMatch.compile("^07?1$").get().isCovered(by: .prefix("07")))
        #expect(try !NumberMatch.compile("^07|^08").get().isCovered(by: .prefix("07")))
        #expect(NumberMatch.exact("0701").isCovered(by: mobile) == false)
        #expect(NumberMatch.prefix("070").isCovered(by: .prefix("07")))
    }

    @Test func templates() {
        #expect(expandNumberTemplate("+46$1", captures: ["0701", "701"]) == "+46701")
        #expect(expandNumberTemplate("$0$$", captures: ["5"]) == "5$")
        #expect(expandNumberTemplate("$9", captures: ["5"]) == "")
        #expect(highestTemplateCapture("+46$1$3") == 3)
        #expect(highestTemplateCapture("$$1") == -1)
    }

    @Test func networks() throws {
        let lan = try #require(IPNetwork("192.168.10.0/24"))
        #expect(lan.contains(try #require(IPAddress("192.168.10.255"))))
        #expect(!lan.contains(try #require(IPAddress("192.168.11.1"))))
        #expect(lan.contains(try #require(IPNetwork("192.168.10.16/28"))))
        #expect(!lan.contains(try #require(IPAddress("::ffff:192.168.10.1"))), "families never mix")
        let v6 = try #require(IPNetwork("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:1::5"))))
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("10.0.0") == nil)
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8:0:0:0:0:0:1")
    }

    @Test func numberFormats() {
        let national = NumberFormat(style: .national, country: "46")
        #expect(national.toE164("0701234567") == "+46701234567")
        #expect(national.toE164("0049301234") == "+49301234")
        #expect(national.toE164("112") == "112")
        #expect(national.fromE164("+46701234567") == "0701234567")
        #expect(national.fromE164("+49301234") == "0049301234")
        #expect(NumberFormat(style: .international, country: "46").fromE164("+46701") == "0046701")
        #expect(Policy.standard().categories(of: "+46900123").map(\.0) == [.premium])
        #expect(Policy.standard().categories(of: "+4930").map(\.0) == [.international])
    }

    @Test func outcomes() {
        #expect(Outcome("5xx")?.covers(.status(503)) == true)
        #expect(Outcome("5xx")?.covers(.status(486)) == false)
        #expect(Outcome.busy.covers(.status(486)))
        #expect(Outcome.status(486).covers(.busy))
        #expect(Outcome("no_answer") == .noAnswer)
        #expect(Outcome("200") == nil, "2xx is not a failure")
        #expect(!Outcome.defaultNextOn.contains { $0.covers(.status(404)) }, "404 stops failover")
        #expect(!Outcome.defaultNextOn.contains { $0.covers(.busy) }, "busy is a per-route choice")
    }

    @Test func days() {
        #expect(TimeWindow.parseDays("fri-mon") == [.fri, .sat, .sun, .mon])
        #expect(TimeWindow.parseDays("sat, sun") == [.sat, .sun])
        #expect(TimeWindow.parseDays("funday") == nil)
        #expect(TimeWindow.parseTimes("08:00-17:00")! == (480, 1020))
        #expect(TimeWindow.parseTimes("8-17") == nil)
        #expect(TimeWindow.parseTimes("10:00-10:00") == nil)
    }
}
