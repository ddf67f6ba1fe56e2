import NIOCore
import Registrar
import SIPTransport

extension StackContactProber {
    /// RFC 5626 §3.5.1 on the connection the REGISTER came over, found by the peer's address,
    /// port and transport (§5.3: requests to the UA go over the flow it registered on). Nothing
    /// is opened: a contact whose connection closed gets no ping (its calls fail until it
    /// registers again, as they would anyway).
    public func keepAlive(_ binding: Binding) async -> Bool {
        guard let transport,
              let protocolName = SIPTransportProtocol(rawValue: binding.source.transport.uppercased()),
              protocolName != .udp,
              let address = try? SocketAddress(ipAddress: binding.source.address, port: binding.source.port),
              let connection = transport.connection(for: SIPConnectionKey(remote: address, transport: protocolName))
        else { return false }
        do {
            try await transport.sendKeepAlivePing(on: connection).get()
            return true
        } catch {
            return false
        }
    }
}
