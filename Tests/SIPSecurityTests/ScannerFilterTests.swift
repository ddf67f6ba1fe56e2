import SIPCore
import Testing
@testable import SIPSecurity

struct ScannerFilterTests {
    @Test(arguments: [
        ("friendly-scanner", "<sip:alice@example.com>;tag=1", "friendly-scanner"),
        ("FRIENDLY-SCANNER 0.2", "<sip:alice@example.com>;tag=1", "friendly-scanner"),
        ("sipcli/v1.8", "<sip:alice@example.com>;tag=1", "sipcli"),
        ("VaxSIPUserAgent/3.1", "<sip:alice@example.com>;tag=1", "vaxsipuseragent"),
        ("sundayddr", "<sip:alice@example.com>;tag=1", "sundayddr"),
        // svwar and svcrack put their name in From, not always in User-Agent.
        ("Linphone/5.0", "\"sipvicious\"<sip:100@1.1.1.1>;tag=2", "sipvicious"),
        ("Linphone/5.0", "<sip:sipvicious@1.1.1.1>;tag=2", "sipvicious"),
    ])
    func dropsScanners(userAgent: String, from: String, signature: String) {
        #expect(ScannerFilter().matchingSignature(request(userAgent: userAgent, from: from)) == signature)
    }

    @Test(arguments: [
        ("Linphone/5.0", "<sip:alice@example.com>;tag=1"),
        ("Grandstream GXP2170", "\"Front door\"<sip:door@example.com>;tag=1"),
        ("baresip v1.0.0", "<sip:201@example.com>;tag=1"),
        ("sipsak 0.9.8", "<sip:monitor@example.com>;tag=1"),
    ])
    func passesOrdinaryPhones(userAgent: String, from: String) {
        #expect(ScannerFilter().matchingSignature(request(userAgent: userAgent, from: from)) == nil)
    }

    @Test func noUserAgentAndPlainFromPasses() {
        #expect(ScannerFilter().matchingSignature(request()) == nil)
    }

    @Test func configurableList() {
        let filter = ScannerFilter(signatures: ["EvilDialer", ""])
        #expect(filter.signatures == ["evildialer"])
        #expect(filter.matchingSignature(request(userAgent: "evildialer 2")) == "evildialer")
        #expect(filter.matchingSignature(request(userAgent: "friendly-scanner")) == nil)
        #expect(ScannerFilter(signatures: []).matchingSignature(request(userAgent: "friendly-scanner")) == nil)
    }

    /// The byte search and the raw-From shortcut find what the Unicode path finds.
    @Test(arguments: [
        // An escaped character in the display name: the raw value does not hold the signature.
        ("Linphone/5.0", "\"sip\\vicious\"<sip:100@1.1.1.1>;tag=2", "sipvicious"),
        // Token display names and upper-case users.
        ("Linphone/5.0", "SIPVicious <sip:100@1.1.1.1>;tag=2", "sipvicious"),
        ("Linphone/5.0", "<sip:SIPCLI@1.1.1.1>;tag=2", "sipcli"),
        // Non-ASCII fields take the Unicode path.
        ("Téléphone Friendly-Scanner", "<sip:alice@example.com>;tag=1", "friendly-scanner"),
        ("Linphone/5.0", "\"Portier sipBomber é\"<sip:door@example.com>;tag=1", "sipbomber"),
    ])
    func findsSignaturesOnEveryPath(userAgent: String, from: String, signature: String) {
        #expect(ScannerFilter().matchingSignature(request(userAgent: userAgent, from: from)) == signature)
    }

    @Test func signatureWithSpaceMatchesATokenDisplayName() {
        let filter = ScannerFilter(signatures: ["evil dialer"])
        #expect(filter.matchingSignature(request(from: "Evil   Dialer <sip:1@example.com>;tag=1")) == "evil dialer")
        #expect(filter.matchingSignature(request(from: "Evil <sip:dialer@example.com>;tag=1")) == nil)
    }

    @Test func nonASCIISignatureUsesTheUnicodePath() {
        let filter = ScannerFilter(signatures: ["RÖBOT"])
        #expect(filter.signatures == ["röbot"])
        #expect(filter.matchingSignature(request(userAgent: "Röbot 1.0")) == "röbot")
        #expect(filter.matchingSignature(request(userAgent: "Robot 1.0")) == nil)
    }

    @Test func firstFieldThenFirstSignatureWins() {
        let filter = ScannerFilter(signatures: ["b", "a"])
        #expect(filter.matchingSignature(request(userAgent: "xa", from: "<sip:b@example.com>;tag=1")) == "a")
        #expect(filter.matchingSignature(request(userAgent: "ab")) == "b")
        #expect(filter.matchingSignature(request(userAgent: "zz", from: "\"zz\" <sip:a@example.com>;tag=1")) == "a")
    }
}

struct ScannerFilterMatchTests {
    /// The one-pass byte search (signatures sharing first bytes, overlapping, at either end, cut
    /// off by the field's end) picks what a plain per-signature search picks.
    @Test func byteSearchAgreesWithAPerSignatureSearch() {
        let signatures = ["sip-scan", "sipcli", "sip", "scanner", "r", "ssip"]
        let fields = [
            "SIP-SCAN", "my sipcli", "sipcl", "ssi", "xssip-sca", "SCANNER", "scanne", "Sip-Scan/2 sipcli", "R", "sipsip-scan",
            "zz", "sssip", "-scan",
        ]
        for count in 1...signatures.count {
            let list = Array(signatures.prefix(count)), reversed = Array(signatures.prefix(count).reversed())
            for order in [list, reversed] {
                let filter = ScannerFilter(signatures: order)
                for field in fields {
                    let expected = order.first { field.lowercased().contains($0) }
                    let found = filter.matchingSignature(request(userAgent: field, from: "<sip:alice@example.com>;tag=1"))
                    #expect(found == expected, "\(order) in \(field)")
                }
            }
        }
    }

    @Test(arguments: [
        ("FRIENDLY-SCANNER 0.2", "friendly-scanner", true), ("x-SipVicious", "sipvicious", true),
        ("sipvicio", "sipvicious", false), ("", "sipcli", false), ("sipcli", "sipcli", true),
        ("sip cli", "sipcli", false), ("Ünïcode sipcli", "sipcli", true), ("ÄBC", "äbc", true),
    ])
    func caseInsensitiveSubstring(field: String, signature: String, expected: Bool) {
        let filter = ScannerFilter(signatures: [signature])
        let matched = filter.matchingSignature(request(userAgent: field, from: "<sip:alice@example.com>;tag=1"))
        #expect((matched != nil) == expected)
    }
}
