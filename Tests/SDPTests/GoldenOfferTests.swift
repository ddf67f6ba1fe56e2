import Foundation
import SDP
import Testing

/// Golden text for the offering side (the B2BUA's outgoing leg). Layout of
/// `Fixtures/offers/*.txt`:
///
/// ```
/// # what the case shows
/// ==== profile
/// <name in Profiles.all>
/// ==== media
/// <kinds to offer, space separated, optionally followed by a line "direction sendonly">
/// ==== offer
/// <the offer we build, byte for byte>
/// ==== peer answer
/// <the SDP the peer answers with>
/// ==== result
/// <render(NegotiatedSession), or "error: …">
/// ```
@Suite struct GoldenOfferTests {
    static let files = Fixtures.names(in: "offers", ext: "txt")

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 6)
    }

    @Test(arguments: files)
    func offerAndResultMatchGolden(_ name: String) throws {
        let golden = GoldenFile(text: String(decoding: try Fixtures.data("offers", name), as: UTF8.self))
        let profileName = golden.lines("profile").first ?? ""
        let profile = try #require(Profiles.all[profileName], "unknown profile '\(profileName)'")
        let mediaLines = golden.lines("media")
        let kinds = (mediaLines.first ?? "audio").split(separator: " ").map { MediaType(String($0)) }
        var local = Anchor.local
        if let direction = mediaLines.dropFirst().first(where: { $0.hasPrefix("direction ") }) {
            local.direction = try #require(MediaDirection(rawValue: String(direction.dropFirst(10))))
        }
        let negotiator = Negotiator(profile: profile)
        let offer = negotiator.offer(local: local, media: kinds)
        let offerLines = offer.text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init).dropLast()

        let answerText = golden.sdp("peer answer")
        let answer = try SessionDescription(parsing: answerText)
        #expect(answer.text == answerText, "peer answer does not round-trip byte for byte")
        let resultLines: [String]
        do {
            resultLines = render(try negotiator.negotiate(offer: offer, answer: answer))
        } catch {
            resultLines = [render(error)]
        }

        if Fixtures.recording {
            let updated = golden.replacing("offer", with: Array(offerLines)).replacing("result", with: resultLines)
            try updated.text.write(to: Fixtures.sourceURL("offers", name), atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); review the diff")
            return
        }
        let identical = Array(offer.text.utf8) == Array(golden.sdp("offer").utf8)
        #expect(identical, "offer differs from the golden bytes")
        #expect(Array(offerLines) == golden.lines("offer"))
        #expect(resultLines == golden.lines("result"))
    }
}
