// sipstack-peer: a minimal UAS/UAC on SIPStack for the interop tests (scripts/interop-sipstack)
// and the benchmark (scripts/bench-sipstack).
import Foundation
import NIOCore
import NIOPosix
import SIPCore
import SIPStack
import SIPTransaction
import SIPTransport

let options: PeerOptions
do {
    options = try PeerOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("sipstack-peer: \(error)\n".utf8))
    exit(2)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
var listener = SIPListenerConfiguration(transport: options.transport, host: options.host, port: options.port)
if options.transport == .tls, let certificate = options.certificate, let key = options.key {
    listener.tls = SIPTLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)
}
// A UDP listener is always there too: the transport sends datagrams from a UDP listener. A TLS
// UAC without a certificate listens on UDP only: its responses come back on its own connection.
var listeners = [listener]
if options.transport == .tls && listener.tls == nil { listeners = [] }
if options.transport != .udp { listeners.append(SIPListenerConfiguration(transport: .udp, host: options.host, port: 0)) }
let transportConfiguration = SIPTransportConfiguration(
    listeners: listeners, tlsClient: SIPTLSClientConfiguration(trustRootsFile: options.trustRoots, verifyHostname: false))

let t1 = Duration.milliseconds(options.t1Milliseconds)
let timers = TransactionTimers(t1: t1, t2: max(t1 * 8, t1), t4: max(t1 * 10, t1), timerDUnreliable: t1 * 64)
// The Via sent-by names the listening port: the UAC needs --port given (the scripts pick ports).
let contactTransport = options.transport == .udp ? "" : ";transport=\(options.transport.rawValue.lowercased())"
let sentBy = "\(options.host):\(options.port)"

do {
    let configuration = SIPStackConfiguration(
        sentBy: [options.transport: sentBy], timers: timers, localHosts: [options.host], shardCount: options.threads)
    let contact = "<sip:peer@\(sentBy)\(contactTransport)>"
    var manager: SIPTransportManager?
    let stack = try SIPStack(group: group, configuration: configuration, user: PeerUAS.user(contact: contact)) { inbound in
        let created = try SIPTransportManager(configuration: transportConfiguration, group: group, onInbound: inbound)
        manager = created
        return created
    }
    guard let transport = manager else { exit(1) }
    let bound = try await transport.start()
    let port = bound.first?.port ?? options.port
    if let portFile = options.portFile {
        try "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
    }
    print("sipstack-peer: \(options.mode.rawValue) listening on \(options.transport) \(options.host):\(port)")
    switch options.mode {
    case .uas:
        if options.maxSeconds > 0 {
            try await Task.sleep(for: .seconds(options.maxSeconds))
        } else {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        print("sipstack-peer: \(try await stack.counters())")
        await transport.shutdown()
    case .uac:
        guard let target = options.target else { exit(2) }
        let destination = try SIPTransportTarget(host: target.host, port: target.port, transport: options.transport)
        let uac = PeerUAC(stack: stack, target: destination, localContact: contact, localAddress: sentBy)
        let succeeded = await uac.run(calls: options.calls, concurrency: options.concurrency)
        print("sipstack-peer: calls \(options.calls) successful \(succeeded) failed \(options.calls - succeeded)")
        print("sipstack-peer: \(try await stack.counters())")
        if options.lingerSeconds > 0 { try await Task.sleep(for: .seconds(options.lingerSeconds)) }
        await transport.shutdown()
        exit(succeeded == options.calls ? 0 : 1)
    }
} catch {
    FileHandle.standardError.write(Data("sipstack-peer: \(error)\n".utf8))
    exit(1)
}
