import CSpanDSP
import TestSupport
import Testing

/// Collects spandsp's realtime DTMF reports: a digit's code at its start, 0 at its end.
final class ToneReports {
    var codes: [Int32] = []
}

/// The realtime callback, at file scope so it carries no actor isolation (C-LIBRARIES.md).
private func recordToneReport(_ userData: UnsafeMutableRawPointer?, _ code: Int32, _ level: Int32, _ delay: Int32) {
    guard let userData else { return }
    Unmanaged<ToneReports>.fromOpaque(userData).takeUnretainedValue().codes.append(code)
}

/// DTMF generation (`dtmf_tx`) and detection (`dtmf_rx`) at 8 kHz through spandsp.
@Suite struct DTMFSmokeTests {
    /// Generates `digits` with spandsp's default timing (50 ms on, 55 ms off) plus trailing
    /// silence, 20 ms at a time.
    func generate(_ digits: String) throws -> [Int16] {
        let transmitter = try #require(dtmf_tx_init(nil))
        defer { dtmf_tx_free(transmitter) }
        // spandsp returns the number of digits that did NOT fit in its queue: 0 is success.
        let notQueued = dtmf_tx_put(transmitter, digits, -1)
        #expect(notQueued == 0)
        var samples: [Int16] = []
        var frame = [Int16](repeating: 0, count: 160)
        for _ in 0..<200 {
            let count = Int(dtmf_tx(transmitter, &frame, 160))
            if count == 0 { break }
            samples.append(contentsOf: frame.prefix(count))
        }
        samples.append(contentsOf: [Int16](repeating: 0, count: 800))
        return samples
    }

    /// Runs the detector over `samples` and returns the digits it buffered.
    func detect(_ samples: [Int16]) throws -> String {
        let receiver = try #require(dtmf_rx_init(nil, nil, nil))
        defer { dtmf_rx_free(receiver) }
        for start in stride(from: 0, to: samples.count, by: 160) {
            let frame = Array(samples[start..<min(start + 160, samples.count)])
            _ = dtmf_rx(receiver, frame, Int32(frame.count))
        }
        var buffer = [CChar](repeating: 0, count: 32)
        let count = Int(dtmf_rx_get(receiver, &buffer, Int32(buffer.count - 1)))
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func oneDigitGeneratedAndDetected() throws {
        let samples = try generate("5")
        // 50 ms of tone at 8 kHz, then the inter-digit gap.
        #expect(samples.count >= 400)
        #expect(SignalMeasure.rms(samples.prefix(400)) > 1000)
        // DTMF 5 is 770 Hz + 1336 Hz.
        let tone = samples.prefix(400)
        let low = Signal.power(at: 770, rate: 8000, in: tone)
        let high = Signal.power(at: 1336, rate: 8000, in: tone)
        let other = Signal.power(at: 941, rate: 8000, in: tone)
        #expect(low > 50 * other && high > 50 * other)
        #expect(try detect(samples) == "5")
    }

    @Test func severalDigitsInOrder() throws {
        #expect(try detect(try generate("19#*0D")) == "19#*0D")
    }

    @Test func noDigitInSilenceOrSpeechBand() throws {
        #expect(try detect([Int16](repeating: 0, count: 8000)) == "")
        #expect(try detect(Signal.tone(frequency: 440, rate: 8000, count: 8000)) == "")
    }

    @Test func realtimeCallbackReportsStartAndEnd() throws {
        let samples = try generate("7")
        let reports = ToneReports()
        let receiver = try #require(dtmf_rx_init(nil, nil, nil))
        defer { dtmf_rx_free(receiver) }
        let context = Unmanaged.passUnretained(reports).toOpaque()
        dtmf_rx_set_realtime_callback(receiver, recordToneReport, context)
        withExtendedLifetime(reports) {
            for start in stride(from: 0, to: samples.count, by: 160) {
                let frame = Array(samples[start..<min(start + 160, samples.count)])
                _ = dtmf_rx(receiver, frame, Int32(frame.count))
            }
        }
        #expect(reports.codes == [Int32(UInt8(ascii: "7")), 0])
    }
}
