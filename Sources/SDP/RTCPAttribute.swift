/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 §2.1): where RTCP goes when it
/// is not on the RTP port + 1.
public struct RTCPAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when it differs from the stream's `c=`.
    public var connection: Connection?

    /// Creates an rtcp attribute.
    public init(port: UInt16, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Parses the value after `a=rtcp:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        let fields = splitFields(value)
        guard fields.count == 1 || fields.count == 4 else {
            throw AttributeSyntaxError("rtcp needs '<port>' or '<port> IN IP4 <address>'")
        }
        guard let port = parseDecimal(fields[0], maxDigits: 5), port <= 65535 else {
            throw AttributeSyntaxError("rtcp port '\(fields[0])' is not 0...65535")
        }
        self.init(port: UInt16(port),
                  connection: fields.count == 4
                    ? Connection(networkType: String(fields[1]), addressType: String(fields[2]),
                                 address: String(fields[3]))
                    : nil)
    }

    /// The value after `a=rtcp:`.
    public var description: String {
        guard let connection else { return String(port) }
        return "\(port) \(connection.networkType) \(connection.addressType) \(connection.address)"
    }
}
