import Foundation
import SDP
import Testing

/// Golden text: a vendor's offer, the profile it meets, the answer we send byte for byte, and
/// the negotiated result. Layout of `Fixtures/golden/*.txt`:
///
/// ```
/// # what the case shows
/// ==== offer
/// <SDP as the device sends it>
/// ==== profile
/// <name in Profiles.all>
/// ==== answer
/// <our SDP answer, or "error: …" when the offer gets 488>
/// ==== result
/// <render(NegotiatedSession)>
/// ```
///
/// The anchored address and ports are fixed (`Anchor.local`: 203.0.113.10, ports 40000 + 2·i).
@Suite struct GoldenAnswerTests {
    static let files = Fixtures.names(in: "golden", ext: "txt")

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 20)
    }

    @Test(arguments: files)
    func answerMatchesGolden(_ name: String) throws {
        let golden = GoldenFile(text: String(decoding: try Fixtures.data("golden", name), as: UTF8.self))
        let offerText = golden.sdp("offer")
        let offer = try SessionDescription(parsing: offerText)
        #expect(offer.text == offerText, "offer does not round-trip byte for byte")

        let profileName = golden.lines("profile").first ?? ""
        let profile = try #require(Profiles.all[profileName], "unknown profile '\(profileName)'")
        var answerLines: [String]
        var resultLines: [String]
        do {
            let answer = try Negotiator(profile: profile).answer(to: offer, local: Anchor.local)
            answerLines = answer.description.text.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map(String.init).dropLast()
            resultLines = render(answer.session)
            // Our own answer must parse back to the same model.
            #expect(try SessionDescription(parsing: answer.description.text) == answer.description)
        } catch let error as NegotiationError {
            answerLines = [render(error)]
            resultLines = []
        }

        if Fixtures.recording {
            let updated = golden.replacing("answer", with: answerLines).replacing("result", with: resultLines)
            try updated.text.write(to: Fixtures.sourceURL("golden", name), atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); review the diff")
            return
        }
        let expectedAnswer = golden.lines("answer")
        if expectedAnswer.first?.hasPrefix("error:") == true {
            #expect(answerLines == expectedAnswer)
        } else {
            // Byte for byte: the expected section with CRLF line ends.
            let actual = answerLines.map { $0 + "\r\n" }.joined()
            let identical = Array(actual.utf8) == Array(golden.sdp("answer").utf8)
            #expect(identical, "answer differs from the golden bytes")
            #expect(answerLines == expectedAnswer)
        }
        #expect(resultLines == golden.lines("result"))
    }
}
