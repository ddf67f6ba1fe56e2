// The body of scripts/bench-sdp: times the SDP module on one realistic offer.
// Glibc only: with Foundation imported into this one-module build, `String.contains(" ")` in the
// SDP sources would resolve to Foundation's substring search, which the real module never uses.
import Glibc
let offer = """
v=0\r
o=- 1585437385 1902208624 IN IP4 192.168.1.50\r
s=-\r
c=IN IP4 192.168.1.50\r
t=0 0\r
a=tool:baresip 1.0.0\r
m=audio 10000 RTP/AVP 96 9 0 8 97 101\r
b=AS:128\r
a=rtpmap:96 opus/48000/2\r
a=fmtp:96 stereo=1;sprop-stereo=1\r
a=rtpmap:9 G722/8000\r
a=rtpmap:0 PCMU/8000\r
a=rtpmap:8 PCMA/8000\r
a=rtpmap:97 telephone-event/48000\r
a=fmtp:97 0-15\r
a=rtpmap:101 telephone-event/8000\r
a=fmtp:101 0-15\r
a=sendrecv\r
a=ptime:20\r
a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:yaIAQyDBI4+YW8Ae5MyKD8M3aLrdjwFHPGJEZYV9\r
a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:u1trhZpOOGSg/xfLJPOaK8JQfPywwnas/RFRM00h\r

"""
let bytes = Array(offer.utf8)
let parser = SDPParser()
let profile = MediaProfile(name: "softphone", audioCodecs: [.opus, .g722, .pcmu, .pcma], srtp: .offer)
let local = LocalMedia(address: "203.0.113.10", ports: [40000], sessionID: "1", cryptoKeys: [["AES_CM_128_HMAC_SHA1_80": "inline:Q1dfX4JM1gc7gofL1MJUbvUpF5wMGJg/Ek9wgIHx"]])
func measure(_ name: String, _ n: Int, _ body: () throws -> Int) rethrows {
    var sink = 0
    func cpu() -> Double { var t = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return Double(t.tv_sec) * 1e9 + Double(t.tv_nsec) }
    let start = cpu()
    for _ in 0..<n { sink &+= try body() }
    let ns = (cpu() - start) / Double(n)
    print("\(name): \(Int(ns)) ns CPU/op, \(Int(1e9 / ns)) ops per CPU-second, checksum \(sink % 1000)")
}
try measure("parse", 100_000) { try parser.parse(bytes).media.count }
let parsed = try parser.parse(bytes)
measure("serialize", 100_000) { parsed.text.utf8.count }
try measure("parse+answer+serialize", 50_000) {
    let o = try parser.parse(bytes)
    return try Negotiator(profile: profile).answer(to: o, local: local).description.text.utf8.count
}

// A door's INVITE as the B2BUA handles it: parse, answer with the door profile on anchored
// ports (audio and H.264 video), serialize the answer.
let doorOffer = Array("""
v=0\r
o=2N 1 1 IN IP4 192.168.10.20\r
s=2N\r
c=IN IP4 192.168.10.20\r
t=0 0\r
m=audio 4900 RTP/AVP 9 0 8 101\r
a=rtpmap:9 G722/8000\r
a=rtpmap:0 PCMU/8000\r
a=rtpmap:8 PCMA/8000\r
a=rtpmap:101 telephone-event/8000\r
a=fmtp:101 0-15\r
a=ptime:20\r
a=sendrecv\r
m=video 4902 RTP/AVP 99\r
b=AS:1024\r
a=rtpmap:99 H264/90000\r
a=fmtp:99 profile-level-id=42801F;packetization-mode=1\r
a=sendrecv\r

""".utf8)
let door = MediaProfile(name: "door", audioCodecs: [.g722, .pcmu, .pcma], videoCodecs: [.h264], video: .pass)
let doorLocal = LocalMedia(address: "203.0.113.10", ports: [40000, 40002], sessionID: "1700000000")
try measure("door INVITE parse", 100_000) { try parser.parse(doorOffer).media.count }
try measure("door INVITE parse+answer+serialize", 50_000) {
    let o = try parser.parse(doorOffer)
    return try Negotiator(profile: door).answer(to: o, local: doorLocal).description.text.utf8.count
}

// The call of scripts/bench-b2bua, all of its SDP work: parse sipp's offer, answer it with the
// door profile, offer the trunk, parse sipp's answer, negotiate it, serialize both of ours.
let sippOffer = Array("""
v=0\r
o=user1 53655765 2353687637 IN IP4 127.0.0.2\r
s=-\r
c=IN IP4 127.0.0.2\r
t=0 0\r
m=audio 6000 RTP/AVP 0\r
a=rtpmap:0 PCMU/8000\r

""".utf8)
let sippAnswer = Array("""
v=0\r
o=user1 53655765 2353687637 IN IP4 127.0.0.3\r
s=-\r
c=IN IP4 127.0.0.3\r
t=0 0\r
m=audio 6002 RTP/AVP 0\r
a=rtpmap:0 PCMU/8000\r

""".utf8)
let sippProfile = MediaProfile(name: "door", audioCodecs: [.pcmu, .pcma], video: .strip, ptime: 20)
let callerSide = LocalMedia(address: "127.0.0.5", ports: [40000], sessionID: "1700000000")
let calleeSide = LocalMedia(address: "127.0.0.5", ports: [40002], sessionID: "1700000000")
try measure("sipp call: parse offer", 100_000) { try parser.parse(sippOffer).media.count }
try measure("sipp call: answer", 100_000) {
    try Negotiator(profile: sippProfile).answer(to: try parser.parse(sippOffer), local: callerSide).session.streams.count
}
let sippOurOffer = Negotiator(profile: sippProfile).offer(local: calleeSide)
let sippParsedAnswer = try parser.parse(sippAnswer)
measure("sipp call: offer", 100_000) { Negotiator(profile: sippProfile).offer(local: calleeSide).media.count }
try measure("sipp call: negotiate", 100_000) {
    try Negotiator(profile: sippProfile).negotiate(offer: sippOurOffer, answer: sippParsedAnswer).streams.count
}
try measure("sipp call: all", 50_000) {
    let o = try parser.parse(sippOffer)
    let answer = try Negotiator(profile: sippProfile).answer(to: o, local: callerSide)
    let ours = Negotiator(profile: sippProfile).offer(local: calleeSide)
    let theirs = try parser.parse(sippAnswer)
    let session = try Negotiator(profile: sippProfile).negotiate(offer: ours, answer: theirs)
    return answer.description.text.utf8.count + ours.text.utf8.count + session.streams.count
}
