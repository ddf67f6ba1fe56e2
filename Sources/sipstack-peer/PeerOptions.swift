import SIPTransport

/// Command-line options of sipstack-peer (parsed by hand: the tool has a handful of flags).
struct PeerOptions {
    enum Mode: String { case uas, uac }
    var mode = Mode.uas
    var transport = SIPTransportProtocol.udp
    var host = "127.0.0.1"
    var port = 0
    var target: (host: String, port: Int)?
    var calls = 10
    var concurrency = 10
    var t1Milliseconds = 500
    var threads = 1
    var certificate: String?
    var key: String?
    var trustRoots: String?
    var portFile: String?
    var maxSeconds = 0
    /// uac: seconds to keep connections open after the last call (sipp's built-in uas pauses
    /// 4 s after each BYE and counts a call whose TCP connection closes meanwhile as failed).
    var lingerSeconds = 0

    static let usage = """
        usage: sipstack-peer [--mode uas|uac] [--transport udp|tcp|tls] [--host IP] [--port N]
                             [--target IP:PORT] [--calls N] [--concurrency N] [--t1 MS] [--threads N]
                             [--cert PEM --key PEM] [--trust PEM] [--port-file PATH] [--max-seconds N] [--linger N]
          uas: answers INVITE 180/200 (ACK, BYE 200, CANCEL 487), REGISTER and OPTIONS 200.
          uac: places --calls calls (INVITE, ACK, BYE) to --target; exit 0 when all succeed.
        """

    struct UsageError: Error, CustomStringConvertible { var description: String }

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text) else { throw UsageError(description: "\(flag): not a number: \(text)") }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--mode":
                let text = try value(argument)
                guard let mode = Mode(rawValue: text) else { throw UsageError(description: "--mode: uas or uac, not \(text)") }
                self.mode = mode
            case "--transport":
                let text = try value(argument)
                guard let transport = SIPTransportProtocol(name: text) else { throw UsageError(description: "--transport: udp, tcp or tls") }
                self.transport = transport
            case "--host": host = try value(argument)
            case "--port": port = try number(argument)
            case "--target":
                let text = try value(argument)
                guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
                    throw UsageError(description: "--target: IP:PORT")
                }
                target = (String(text[..<colon]), port)
            case "--calls": calls = try number(argument)
            case "--linger": lingerSeconds = try number(argument)
            case "--concurrency": concurrency = max(1, try number(argument))
            case "--t1": t1Milliseconds = try number(argument)
            case "--threads": threads = max(1, try number(argument))
            case "--cert": certificate = try value(argument)
            case "--key": key = try value(argument)
            case "--trust": trustRoots = try value(argument)
            case "--port-file": portFile = try value(argument)
            case "--max-seconds": maxSeconds = try number(argument)
            case "-h", "--help": throw UsageError(description: Self.usage)
            default: throw UsageError(description: "unknown option \(argument)\n\(Self.usage)")
            }
        }
        if mode == .uac && target == nil { throw UsageError(description: "uac mode needs --target") }
        if transport == .tls && (certificate == nil || key == nil) && mode == .uas {
            throw UsageError(description: "a TLS listener needs --cert and --key")
        }
    }
}
