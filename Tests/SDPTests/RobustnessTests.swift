import SDP
import TestSupport
import Testing

/// Peer input never traps: mutated corpus bodies either parse or throw a typed error; what
/// parses serializes to a canonical fixed point, and negotiates (or fails) with every profile.
@Suite struct RobustnessTests {
    static func corpus() throws -> [[UInt8]] {
        var bodies: [[UInt8]] = []
        for name in Fixtures.names(in: "golden", ext: "txt") {
            let golden = GoldenFile(text: String(decoding: try Fixtures.data("golden", name), as: UTF8.self))
            bodies.append(Array(golden.sdp("offer").utf8))
        }
        for name in Fixtures.names(in: "sdp", ext: "sdp") {
            bodies.append(try Fixtures.data("sdp", name))
        }
        return bodies
    }

    static let interesting: [UInt8] = Array(" :/=\r\n0123456789-;|*.".utf8) + [0, 0xFF, 0xC3]

    static func mutate(_ body: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = body
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[index] = interesting.randomElement(using: &rng)!
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: index)
            case 3: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            default:
                // Duplicate a slice: repeated lines, fields, digits.
                let end = min(bytes.count, index + Int.random(in: 1...40, using: &rng))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            }
        }
        return bytes
    }

    @Test func mutatedCorpusNeverTraps() throws {
        var rng = SplitMix64(state: 0x5D9_2026)
        let bodies = try Self.corpus()
        var parsed = 0, rejected = 0
        for round in 0..<2000 {
            let body = Self.mutate(bodies[round % bodies.count], &rng)
            let description: SessionDescription
            do {
                description = try SDPParser().parse(body)
            } catch {
                rejected += 1
                continue
            }
            parsed += 1
            let canonical = description.text
            let again = try SessionDescription(parsing: canonical)
            #expect(again.text == canonical, "canonical output is not a fixed point for round \(round)")
            for profile in Profiles.all.values {
                let negotiator = Negotiator(profile: profile)
                if let answer = try? negotiator.answer(to: description, local: Anchor.local) {
                    #expect(answer.description.media.count == description.media.count)
                }
                _ = try? negotiator.negotiate(offer: negotiator.offer(local: Anchor.local, media: [.audio, .video]),
                                              answer: description)
            }
        }
        // Both outcomes occur, so the mutations reach past the first line.
        #expect(parsed > 250 && rejected > 250)
    }
}
