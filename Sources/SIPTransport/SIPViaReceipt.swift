import NIOCore
import SIPCore

/// What a server transport writes into the top Via of a request it receives.
///
/// RFC 3261 §18.2.1: "When the server transport receives a request over any transport, it MUST
/// examine the value of the sent-by parameter in the top Via header field value. If the host
/// portion of the sent-by parameter contains a domain name, or if it contains an IP address that
/// differs from the packet source address, the server MUST add a received parameter to that Via
/// header field value."
///
/// RFC 3581 §4: when the top Via carries `rport` without a value, the server fills in the source
/// port, and then adds `received` even when the address equals the sent-by host.
public enum SIPViaReceipt {
    /// The stamped top Via for a request from `source`; nil when it needs no change.
    public static func stamp(_ via: Via, source: SocketAddress) -> Via? {
        guard let sourceIP = SIPAddressText.ipString(of: source) else { return nil }
        var stamped = via
        var changed = false
        let rportRequested = via.rport == .requested
        if rportRequested, let port = source.port.flatMap(UInt16.init(exactly:)) {
            stamped.rport = .port(port)
            changed = true
        }
        if rportRequested || !SIPAddressText.host(via.host.text, isAddress: sourceIP) {
            if via.received != sourceIP {
                stamped.received = sourceIP
                changed = true
            }
        }
        return changed ? stamped : nil
    }

    /// Stamps the top Via of `request`, received from `source`, in place (that Via value is
    /// rewritten canonically when it changes; the other values keep their bytes). Throws when
    /// the top Via cannot be parsed: the request is then answered 400 (RFC 3261 §8.2.6).
    public static func stamp(request: inout SIPMessage, source: SocketAddress) throws(SIPGrammarError) {
        guard let via = try request.topVia, let stamped = stamp(via, source: source),
            let index = request.headers.firstIndex(of: .via)
        else { return }
        replaceTopVia(of: &request, at: index, with: stamped)
    }

    /// Replaces the first value of the first Via field (which may hold several values).
    static func replaceTopVia(of message: inout SIPMessage, at index: Int, with via: Via) {
        message.headers.removeFirstValue(.via)
        message.headers.insert(.via, value: via.description, at: index)
    }
}

/// Address text as SIP writes it in `received` and `maddr`.
public enum SIPAddressText {
    /// The IP address of `address` as text (IPv6 without brackets); an IPv4-mapped IPv6 source
    /// (`::ffff:192.0.2.1`, seen on dual-stack sockets) is given as the IPv4 address.
    public static func ipString(of address: SocketAddress) -> String? {
        guard let ip = address.ipAddress else { return nil }
        // Runs per message: compared as bytes, ASCII case-insensitively (address text is ASCII).
        let mappedPrefix = "::ffff:".utf8
        let utf8 = ip.utf8
        guard utf8.count > mappedPrefix.count, utf8.contains(UInt8(ascii: ".")),
              zip(utf8, mappedPrefix).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 })
        else { return ip }
        return String(ip.dropFirst(mappedPrefix.count))
    }

    /// True when `host` is an IP address literal (IPv4, or IPv6 with or without brackets).
    public static func isIPLiteral(_ host: String) -> Bool { socketAddress(host, port: 0) != nil }

    /// `host` as a socket address when it is an IP literal, nil for a domain name.
    public static func socketAddress(_ host: String, port: Int) -> SocketAddress? {
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        return try? SocketAddress(ipAddress: String(literal), port: port)
    }

    /// True when `host` is an IP literal naming the same address as `ip` (compared after
    /// normalizing both, so `::1` and `0:0::1` match).
    public static func host(_ host: String, isAddress ip: String) -> Bool {
        guard let left = socketAddress(host, port: 0), let right = socketAddress(ip, port: 0) else { return false }
        return left.ipAddress == right.ipAddress
    }
}
