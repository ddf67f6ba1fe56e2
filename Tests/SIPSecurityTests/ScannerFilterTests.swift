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
}

struct ScannerFilterMatchTests {
    @Test(arguments: [
        ("FRIENDLY-SCANNER 0.2", "friendly-scanner", true), ("x-SipVicious", "sipvicious", true),
        ("sipvicio", "sipvicious", false), ("", "sipcli", false), ("sipcli", "sipcli", true),
        ("sip cli", "sipcli", false), ("Ünïcode sipcli", "sipcli", true), ("ÄBC", "äbc", true),
    ])
    func caseInsensitiveSubstring(field: String, signature: String, expected: Bool) {
        #expect(ScannerFilter.contains(field, signature) == expected)
    }
}
