import RTPCore
import Testing

@Suite struct SequenceArithmeticTests {
    @Test(arguments: [
        (UInt16(0), UInt16(1), 1),
        (65535, 0, 1),
        (65535, 5, 6),
        (5, 65535, -6),
        (0, 32767, 32767),
        (0, 32768, -32768),
        (100, 100, 0),
        (40000, 10, 25546),
    ] as [(UInt16, UInt16, Int)])
    func sequenceDistanceWraps(_ old: UInt16, _ new: UInt16, _ distance: Int) {
        #expect(RTPSequenceNumber.distance(from: old, to: new) == distance)
        #expect(RTPSequenceNumber.isNewer(new, than: old) == (distance > 0))
    }

    @Test(arguments: [
        (UInt32(0), UInt32(160), 160),
        (UInt32.max - 79, 80, 160),
        (80, UInt32.max - 79, -160),
        (0, 0x7FFF_FFFF, Int(Int32.max)),
        (0, 0x8000_0000, Int(Int32.min)),
    ] as [(UInt32, UInt32, Int)])
    func timestampDistanceWraps(_ old: UInt32, _ new: UInt32, _ distance: Int) {
        #expect(RTPTimestamp.distance(from: old, to: new) == distance)
        #expect(RTPTimestamp.isNewer(new, than: old) == (distance > 0))
    }

    @Test(arguments: [
        (160, 8000, 48000, 960),
        (960, 48000, 8000, 160),
        (320, 16000, 8000, 160),
        (-960, 48000, 8000, -160),
        (1, 48000, 8000, 0),  // 1/6 rounds down
        (3, 48000, 8000, 1),  // 1/2 rounds away from zero
        (-3, 48000, 8000, -1),
        (7, 8000, 8000, 7),
        (Int(Int32.max), 8000, 48000, Int(Int32.max) * 6),
    ] as [(Int, Int, Int, Int)])
    func rescalesBetweenClockRates(_ units: Int, _ from: Int, _ to: Int, _ expected: Int) {
        #expect(RTPTimestamp.rescale(units, from: from, to: to) == expected)
    }

    @Test func convertsNanosecondsToClockUnits() {
        #expect(RTPTimestamp.units(fromNanoseconds: 20_000_000, rate: 8000) == 160)
        #expect(RTPTimestamp.units(fromNanoseconds: 20_000_000, rate: 48000) == 960)
        #expect(RTPTimestamp.units(fromNanoseconds: UInt64.max, rate: 48000) == UInt64.max / 1_000_000_000 * 48000 + (UInt64.max % 1_000_000_000) * 48000 / 1_000_000_000)
    }

    @Test func rescalerKeepsRealTimeAcrossInputWrap() {
        // Opus at 48 kHz starting just before the 32-bit wrap, mapped onto an 8 kHz clock.
        var rescaler = RTPTimestampRescaler(inputRate: 48000, outputRate: 8000, outputBase: 1000)
        var input = UInt32.max - 959 * 2
        var outputs: [UInt32] = []
        for _ in 0..<5 {
            outputs.append(rescaler.map(input))
            input &+= 960
        }
        #expect(outputs == [1000, 1160, 1320, 1480, 1640])
        // A late packet maps back in time, consistently.
        #expect(rescaler.map(input &- 960 * 3) == 1320)
        #expect(rescaler.map(input) == 1800)
    }
}
