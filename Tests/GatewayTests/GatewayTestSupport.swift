import Foundation
import NIOCore
import NIOPosix
import SIPCore
import SIPTransport
@testable import Gateway

// Helpers the Gateway suites share: a temporary data directory with a dial plan, requests built
// from header lines, the context of a datagram, and configuration errors as text.

/// A new directory `<prefix>-<UUID>` under the temporary directory, holding `plan` as `plan.yaml`.
func temporaryPlanDirectory(_ prefix: String, plan: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try plan.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
    return directory
}

/// Parses a request made of `lines`, then `header: credentials` when there are credentials,
/// then `Content-Length: 0`.
func sipRequest(_ lines: [String], credentials: DigestCredentials?, header: String = "Authorization") throws -> SIPMessage {
    var lines = lines
    if let credentials {
        var bytes: [UInt8] = []
        credentials.write(into: &bytes)
        lines.append("\(header): " + String(decoding: bytes, as: UTF8.self))
    }
    lines.append("Content-Length: 0")
    return try SIPParser().parse(lines.joined(separator: "\r\n") + "\r\n\r\n")
}

/// The context of a UDP datagram from `address`, port 5062.
func datagramContext(from address: String) throws -> SIPMessageContext {
    try messageContext(from: address, over: .udp)
}

/// The context of a message from `address`, port 5062, over `transport`: on connection 7 unless
/// it is UDP.
func messageContext(from address: String, over transport: SIPTransportProtocol) throws -> SIPMessageContext {
    SIPMessageContext(source: try SocketAddress(ipAddress: address, port: 5062), transport: transport,
                      listener: nil, connection: transport == .udp ? nil : SIPConnectionID(rawValue: 7),
                      eventLoop: MultiThreadedEventLoopGroup.singleton.any())
}

/// The errors `GatewayConfiguration.parse` reports for `text` (read as `gw.yaml`), one line
/// each; nil when it parses or fails with another error.
func configurationErrorLines(_ text: String) -> [String]? {
    do {
        _ = try GatewayConfiguration.parse(text, file: "gw.yaml")
        return nil
    } catch {
        return (error as? ConfigurationErrors)?.errors.map(\.description)
    }
}
