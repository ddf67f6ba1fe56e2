import TestSupport
@testable import SIPCore

/// What a stream parser returned, in a form tests can compare.
enum StreamRecord: Equatable, CustomStringConvertible {
    case message([UInt8])
    case ping
    case pong
    case error(SIPParseError.Kind)

    var description: String {
        switch self {
        case .message(let bytes): "message(\(String(decoding: bytes.prefix(24), as: UTF8.self))...)"
        case .ping: "ping"
        case .pong: "pong"
        case .error(let kind): "error(\(kind))"
        }
    }
}

/// Feeds `chunks` one after another into a fresh parser and records every event, draining the
/// parser after each chunk (the idea of NIO's ByteToMessageDecoderVerifier).
func runStream(_ chunks: [ArraySlice<UInt8>], limits: SIPParseLimits = .default) -> [StreamRecord] {
    var parser = SIPStreamParser(limits: limits)
    var records: [StreamRecord] = []
    for chunk in chunks {
        parser.append(chunk)
        while true {
            do {
                guard let event = try parser.next() else { break }
                switch event {
                case .message(let message): records.append(.message(message.serialized()))
                case .keepAlivePing: records.append(.ping)
                case .keepAlivePong: records.append(.pong)
                }
            } catch {
                records.append(.error(error.kind))
                if parser.isFramingLost { return records }
            }
        }
    }
    return records
}

/// Every chunking of `segments` (the input split at message boundaries) worth trying: all at
/// once, message by message, byte at a time, every two-way split, and seeded random chunks.
func chunkings(of segments: [[UInt8]]) -> [(name: String, chunks: [ArraySlice<UInt8>])] {
    let whole = segments.flatMap { $0 }
    var result: [(String, [ArraySlice<UInt8>])] = [
        ("all at once", [whole[...]]),
        ("message by message", segments.map { $0[...] }),
        ("byte at a time", whole.indices.map { whole[$0...$0] }),
    ]
    for split in stride(from: 1, to: whole.count, by: max(1, whole.count / 200)) {
        result.append(("split at \(split)", [whole[..<split], whole[split...]]))
    }
    for seed in 0..<20 {
        var random = SplitMix64(state: UInt64(seed))
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        while start < whole.count {
            let size = Int.random(in: 1...64, using: &random)
            let end = min(whole.count, start + size)
            chunks.append(whole[start..<end])
            start = end
        }
        result.append(("random seed \(seed)", chunks))
    }
    return result
}
