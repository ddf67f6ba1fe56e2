import Benchmark
import NIOCore
import SIPCore

/// Parse, header access and re-serialization of a typical INVITE with SDP and a typical 200 OK
/// (issue 2, "Speed": at least 500,000 INVITE parses per second per core with header access of
/// Via/From/To/Call-ID/CSeq, a handful of allocations per message). Each iteration handles
/// 1,000 messages on one thread; run with `--scale` to read the metrics per message.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    Benchmark("INVITE parse + Via/From/To/Call-ID/CSeq") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(readHeaders(parse(SampleMessages.invite)))
        }
    }

    Benchmark("INVITE parse + headers + serialize") { benchmark in
        for _ in benchmark.scaledIterations {
            let message = parse(SampleMessages.invite)
            blackHole(readHeaders(message))
            blackHole(message.serialized())
        }
    }

    Benchmark("200 OK parse + headers + serialize") { benchmark in
        for _ in benchmark.scaledIterations {
            let message = parse(SampleMessages.ok)
            blackHole(readHeaders(message))
            blackHole(message.serialized())
        }
    }

    Benchmark("INVITE parse only") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(parse(SampleMessages.invite))
        }
    }
}

/// Parses a datagram as the UDP transport does (one copy out of the ByteBuffer).
@inline(never)
func parse(_ datagram: ByteBuffer) -> SIPMessage {
    do {
        return try SIPParser().parse(datagram)
    } catch {
        fatalError("sample message does not parse: \(error)")
    }
}

/// Reads what the transaction and dialog layers read from every message.
@inline(never)
func readHeaders(_ message: SIPMessage) -> Int {
    do {
        let via = try message.topVia
        let from = try message.from
        let to = try message.to
        let cseq = try message.cseq
        let callID = message.callIDBytes
        return (via?.branch?.utf8.count ?? 0) + (from?.tag?.utf8.count ?? 0) + (to?.tag?.utf8.count ?? 0)
            + Int(cseq?.sequenceNumber ?? 0) + (callID?.count ?? 0)
    } catch {
        fatalError("sample headers do not parse: \(error)")
    }
}
