import SIPCore
import SIPStack
import SIPTransport

/// The minimal UAS: the transaction user the interop tests and the benchmark talk to.
enum PeerUAS {
    static let sdp = Array("""
        v=0\r
        o=- 1 1 IN IP4 127.0.0.1\r
        s=-\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        m=audio 6000 RTP/AVP 0\r
        a=rtpmap:0 PCMU/8000\r

        """.utf8)

    static func user(contact: String) -> SIPTransactionUser {
        SIPTransactionUser(request: { transaction in
            let request = transaction.request
            do {
                switch request.method {
                case .invite?:
                    let tag = SIPMessage.makeTag()
                    try transaction.respond(status: 180, toTag: tag, headers: [(.contact, contact)])
                    try transaction.respond(
                        status: 200, toTag: tag, headers: [(.contact, contact), (.contentType, "application/sdp")], body: sdp)
                case .register?:
                    var headers: [(HeaderName, String)] = []
                    if let binding = request.headers.firstValue(.contact) {
                        headers.append((.contact, String(decoding: binding, as: UTF8.self)))
                    }
                    headers.append((.expires, String(request.expires ?? 3600)))
                    try transaction.respond(status: 200, headers: headers)
                default:
                    try transaction.respond(status: 200)
                }
            } catch {
                print("sipstack-peer: cannot respond: \(error)")
            }
        })
    }
}
