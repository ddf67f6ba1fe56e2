import NIOCore
import SIPCore

/// What to do with input from the network, decided without touching a socket.
public enum SIPInboundOutcome: Sendable {
    /// Hand the message to the layer above (requests have their top Via stamped).
    case deliver(SIPMessage)
    /// Answer with this error response (RFC 3261 §8.2.6) and count the defect.
    case respond(SIPMessage, defect: String)
    /// Drop and count: nothing can be answered (a response, an ACK, no Via or CSeq).
    case drop(defect: String)
    /// Only CR/LF bytes: a keep-alive (RFC 5626 §4.4.2 uses STUN on UDP, but CRLF datagrams
    /// are common); ignored.
    case keepAlive
}

/// The receive rules shared by the datagram and stream handlers.
public enum SIPInboundProcessing {
    /// A whole datagram (RFC 3261 §18.3: the body is the rest of the datagram).
    public static func datagram(_ bytes: [UInt8], source: SocketAddress, parser: SIPParser) -> SIPInboundOutcome {
        do {
            return received(try parser.parse(bytes), source: source)
        } catch {
            return failure(error)
        }
    }

    /// A message framed on a stream, or parsed from a datagram: stamps a request's top Via
    /// (RFC 3261 §18.2.1, RFC 3581 §4); a request whose top Via cannot be read is answered 400.
    public static func received(_ message: SIPMessage, source: SocketAddress) -> SIPInboundOutcome {
        guard message.isRequest else { return .deliver(message) }
        var request = message
        do {
            try SIPViaReceipt.stamp(request: &request, source: source)
            return .deliver(request)
        } catch {
            let defect = "malformed Via: \(error)"
            guard request.method != .ack, request.headers.contains(.cseq) else { return .drop(defect: defect) }
            return .respond(request.makeResponse(status: 400, reason: "Bad Request (\(defect))"), defect: defect)
        }
    }

    /// A parse failure: answered when SIPCore can build the response, else dropped.
    public static func failure(_ error: SIPParseError) -> SIPInboundOutcome {
        if error.kind == .empty { return .keepAlive }
        if let response = error.makeResponse() { return .respond(response, defect: error.description) }
        return .drop(defect: error.description)
    }
}
