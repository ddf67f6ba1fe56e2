import NIOSSL

/// The outcome of reloading one TLS listener's certificate.
public struct SIPTLSReloadOutcome: Sendable, CustomStringConvertible {
    /// The listener as configured (`host:port`), or `outbound` for outbound connections.
    public let listener: String
    /// The new leaf certificate's serial number (hex), or why the old certificate stays.
    public let result: Result<String, SIPTLSFileError>

    private var subject: String { listener == "outbound" ? "outbound" : "listener \(listener)" }

    public var description: String {
        switch result {
        case .success(let serial): "TLS \(subject): certificate reloaded (serial \(serial))"
        case .failure(let error): "TLS \(subject): \(error); the running certificate stays"
        }
    }
}

extension SIPTransportManager {
    /// Reads every TLS listener's certificate, key and client CA files again (SIGHUP after a
    /// renewal). Connections accepted from now on use the new certificate; open connections keep
    /// the one they were set up with. A listener whose new files are broken (missing, unreadable,
    /// a key that does not match) keeps its running certificate; its outcome carries the error.
    ///
    /// The outbound context is rebuilt too when it names files (trust roots or our client
    /// certificate), reported as listener `outbound`.
    @discardableResult
    public func reloadTLSCertificates() -> [SIPTLSReloadOutcome] {
        reloadListenerCertificates() + reloadClientCertificates()
    }

    private func reloadClientCertificates() -> [SIPTLSReloadOutcome] {
        let client = configuration.tlsClient
        guard client.trustRootsFile != nil || client.certificateChainFile != nil else { return [] }
        let result: Result<String, SIPTLSFileError>
        do throws(SIPTLSFileError) {
            let context = try SIPTLSContextFactory.clientContext(client)
            state.withLockedValue { $0.clientContext = context }
            var serial = "none"
            if let chainFile = client.certificateChainFile {
                serial = Self.hex(try SIPTLSContextFactory.certificates(chainFile, role: .certificate)[0].serialNumber)
            }
            result = .success(serial)
        } catch {
            result = .failure(error)
        }
        let outcome = SIPTLSReloadOutcome(listener: "outbound", result: result)
        switch result {
        case .success: logger.notice("\(outcome)")
        case .failure: logger.error("\(outcome)")
        }
        return [outcome]
    }

    private func reloadListenerCertificates() -> [SIPTLSReloadOutcome] {
        configuration.listeners.enumerated().compactMap { index, listener -> SIPTLSReloadOutcome? in
            guard listener.transport == .tls, let tls = listener.tls else { return nil }
            let name = "\(listener.host):\(listener.port)"
            let result: Result<String, SIPTLSFileError>
            do throws(SIPTLSFileError) {
                let context = try SIPTLSContextFactory.serverContext(tls)
                let leaf = try SIPTLSContextFactory.certificates(tls.certificateChainFile, role: .certificate)[0]
                state.withLockedValue { $0.serverContexts[index] = context }
                result = .success(Self.hex(leaf.serialNumber))
            } catch {
                result = .failure(error)
            }
            let outcome = SIPTLSReloadOutcome(listener: name, result: result)
            switch result {
            case .success: logger.notice("\(outcome)")
            case .failure: logger.error("\(outcome)")
            }
            return outcome
        }
    }

    /// The TLS context new connections to listener `index` get.
    func serverContext(_ index: Int) -> NIOSSLContext? {
        state.withLockedValue { $0.serverContexts[index] }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
