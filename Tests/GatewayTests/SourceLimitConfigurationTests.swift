import SIPStack
import SIPTransport
import Testing
@testable import Gateway

/// The per-source limits of the `security:` section (issue 10 "Hardening"): transactions and
/// TCP/TLS connections per source IP address.
@Suite struct SourceLimitConfigurationTests {
    static let listen = "listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]"

    @Test func defaultsWithoutKeys() throws {
        let config = try GatewayConfiguration.parse(Self.listen, file: "gw.yaml")
        #expect(config.security.maxTransactionsPerSource == SIPSourceLimit.defaultMaxTransactions)
        #expect(config.security.maxTransactionsPerSource == 200)
        #expect(config.security.maxConnectionsPerSource == SIPTransportConfiguration.defaultMaxInboundConnectionsPerSource)
        #expect(config.description.contains("per source 200 transactions and 200 connections"))
    }

    @Test func keysAreReadAndOffTurnsTheTransactionLimitOff() throws {
        let config = try GatewayConfiguration.parse("""
            \(Self.listen)
            security: { max_transactions_per_source: 12, max_connections_per_source: 3 }
            """, file: "gw.yaml")
        #expect(config.security.maxTransactionsPerSource == 12)
        #expect(config.security.maxConnectionsPerSource == 3)
        let off = try GatewayConfiguration.parse("""
            \(Self.listen)
            security: { max_transactions_per_source: off }
            """, file: "gw.yaml")
        #expect(off.security.maxTransactionsPerSource == nil)
        #expect(off.description.contains("no transaction limit"))
    }

    @Test func badValuesNameFileLineAndColumn() {
        let text = """
            \(Self.listen)
            security:
              max_transactions_per_source: 0
              max_connections_per_source: lots
            """
        #expect {
            _ = try GatewayConfiguration.parse(text, file: "gw.yaml")
        } throws: { error in
            guard let errors = error as? ConfigurationErrors else { return false }
            return errors.errors.map(\.description) == [
                "gw.yaml:3:32: error: 'max_transactions_per_source' must be a whole number from 1 to 1000000, not '0' (fix: write a number in that range)",
                "gw.yaml:4:31: error: 'max_connections_per_source' must be a whole number from 1 to 100000, not 'lots' (fix: write a number in that range)",
            ]
        }
    }
}
