import Testing
@testable import SIPStack

@Suite struct SRVOrderingTests {
    func record(_ priority: UInt16, _ weight: UInt16, _ target: String) -> SRVRecord {
        SRVRecord(priority: priority, weight: weight, port: 5060, target: target, ttl: 60)
    }

    @Test func lowerPriorityComesFirst() {
        let ordered = SRVOrdering.order([record(20, 0, "c"), record(10, 0, "a"), record(30, 0, "d")]) { _ in 0 }
        #expect(ordered.map(\.target) == ["a", "c", "d"])
    }

    @Test func weightsPickByRunningSum() {
        // Weights 10, 30, 60 (total 100). A draw of 50 lands in the third record's range (41...100),
        // the next draw of 15 (of 40 left) in the second's (11...40).
        var draws: [UInt32] = [50, 15, 0]
        let ordered = SRVOrdering.order([record(1, 10, "a"), record(1, 30, "b"), record(1, 60, "c")]) { total in
            let draw = draws.removeFirst()
            #expect(draw <= total)
            return draw
        }
        #expect(ordered.map(\.target) == ["c", "b", "a"])
    }

    @Test func zeroWeightsComeFirstInTheRunningSumSoADrawOfZeroPicksThem() {
        let ordered = SRVOrdering.order([record(1, 50, "heavy"), record(1, 0, "zero")]) { _ in 0 }
        #expect(ordered.map(\.target) == ["zero", "heavy"])
    }

    @Test func weightedChoiceFollowsWeightsOverManyDraws() {
        var firsts: [String: Int] = [:]
        for _ in 0..<2000 {
            let first = SRVOrdering.order([record(1, 90, "big"), record(1, 10, "small")])[0].target
            firsts[first, default: 0] += 1
        }
        #expect((firsts["big"] ?? 0) > 1600)
        #expect((firsts["small"] ?? 0) > 100)
    }

    @Test func dotTargetMeansNoService() {
        #expect(SRVOrdering.order([record(0, 0, ".")]).isEmpty)
    }

    @Test func naptrSelectionKeepsSupportedServicesWithFlagSInOrder() {
        let records = [
            NAPTRRecord(order: 20, preference: 10, flags: "s", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.x", ttl: 1),
            NAPTRRecord(order: 10, preference: 20, flags: "S", service: "SIPS+D2T", regexp: "", replacement: "_sips._tcp.x", ttl: 1),
            NAPTRRecord(order: 10, preference: 10, flags: "s", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.x", ttl: 1),
            NAPTRRecord(order: 1, preference: 1, flags: "u", service: "SIP+D2U", regexp: "!.*!sip:a@b!", replacement: ".", ttl: 1),
            NAPTRRecord(order: 1, preference: 1, flags: "s", service: "SIP+D2S", regexp: "", replacement: "_sip._sctp.x", ttl: 1),
        ]
        #expect(NAPTRSelection.select(records, secure: false).map(\.srvName) == ["_sip._tcp.x", "_sips._tcp.x", "_sip._udp.x"])
        #expect(NAPTRSelection.select(records, secure: true).map(\.transport) == [.tls])
        #expect(NAPTRSelection.select(records, secure: false, supported: [.udp]).map(\.srvName) == ["_sip._udp.x"])
    }
}
