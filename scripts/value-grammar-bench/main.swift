// Micro-benchmark of the SIPCore value grammars on the header values of a typical INVITE.
// Built by scripts/bench-value-grammars together with Sources/SIPCore's value-grammar files.
// Reports CPU time per parse (thread CPU clock, best of 5 rounds) and heap allocations per parse.
import Foundation

@_silgen_name("alloc_count") func allocCount() -> Int

let message = Array("""
INVITE sip:bob@biloxi.com SIP/2.0\r
Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r
Max-Forwards: 70\r
To: Bob <sip:bob@biloxi.com>\r
From: Alice <sip:alice@atlanta.com>;tag=1928301774\r
Call-ID: a84b4c76e66710@pc33.atlanta.com\r
CSeq: 314159 INVITE\r
Contact: <sip:alice@pc33.atlanta.com>\r
\r

""".utf8)

/// The value range of the header line starting with `prefix` (absolute indices into `message`).
func valueRange(after prefix: String) -> Range<Int> {
    let needle = Array(prefix.utf8)
    for start in 0..<(message.count - needle.count) where Array(message[start..<(start + needle.count)]) == needle {
        var end = start + needle.count
        while message[end] != 13 { end += 1 }
        return (start + needle.count)..<end
    }
    fatalError("no \(prefix)")
}

let via = valueRange(after: "Via: ")
let to = valueRange(after: "To: ")
let from = valueRange(after: "From: ")
let cseq = valueRange(after: "CSeq: ")
let contact = valueRange(after: "Contact: ")
let requestURI = 7..<26

func cpuNanoseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
}

func measure(_ name: String, _ body: () throws -> Int) rethrows {
    var sink = 0
    for _ in 0..<1000 { sink &+= try body() }
    let before = allocCount()
    sink &+= try body()
    let allocations = allocCount() - before
    let iterations = 200_000
    var best = Double.infinity
    for _ in 0..<5 {
        let start = cpuNanoseconds()
        for _ in 0..<iterations { sink &+= try body() }
        best = min(best, (cpuNanoseconds() - start) / Double(iterations))
    }
    let padded = name.padding(toLength: 28, withPad: " ", startingAt: 0)
    print("\(padded) \(String(format: "%6.0f", best)) ns  \(String(format: "%9.0f", 1e9 / best))/s  \(allocations) allocations  (\(sink & 1))")
}

try measure("Via") { try Via(parsing: message[via]).branch?.utf8.count ?? 0 }
try measure("To (NameAddress)") { try NameAddress(parsing: message[to]).tag == nil ? 1 : 0 }
try measure("From (NameAddress)") { try NameAddress(parsing: message[from]).tag?.utf8.count ?? 0 }
try measure("CSeq") { Int(try CSeq(parsing: message[cseq]).sequenceNumber & 1) }
try measure("Contact (ContactValue)") { try ContactValue(parsing: message[contact]).nameAddress?.sipURI?.port == nil ? 1 : 0 }
try measure("Request-URI (URI)") { try URI(parsing: message[requestURI]).sipURI?.host.text.utf8.count ?? 0 }
try measure("Via+From+To+CSeq+R-URI") {
    let top = try Via(parsing: message[via])
    let callee = try NameAddress(parsing: message[to])
    let caller = try NameAddress(parsing: message[from])
    let sequence = try CSeq(parsing: message[cseq])
    let uri = try URI(parsing: message[requestURI])
    return (top.branch?.utf8.count ?? 0) + (callee.tag == nil ? 1 : 0) + (caller.tag?.utf8.count ?? 0)
        + Int(sequence.sequenceNumber & 1) + (uri.sipURI?.port == nil ? 1 : 0)
}
