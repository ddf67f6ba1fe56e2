import NIOConcurrencyHelpers
@testable import SIPStack

/// Answers from a table, counting queries (for the cache tests).
final class CannedDNSLookup: DNSLookup {
    var naptrRecords: [String: [NAPTRRecord]] = [:]
    var srvRecords: [String: [SRVRecord]] = [:]
    var addressRecords: [String: [AddressRecord]] = [:]
    let queries = NIOLockedValueBox([String]())

    init(naptr: [String: [NAPTRRecord]] = [:], srv: [String: [SRVRecord]] = [:], addresses: [String: [AddressRecord]] = [:]) {
        naptrRecords = naptr
        srvRecords = srv
        addressRecords = addresses
    }

    func naptr(_ name: String) async throws -> [NAPTRRecord] {
        queries.withLockedValue { $0.append("NAPTR \(name)") }
        return naptrRecords[name] ?? []
    }

    func srv(_ name: String) async throws -> [SRVRecord] {
        queries.withLockedValue { $0.append("SRV \(name)") }
        return srvRecords[name] ?? []
    }

    func addresses(_ host: String) async throws -> [AddressRecord] {
        queries.withLockedValue { $0.append("A \(host)") }
        return addressRecords[host] ?? []
    }
}

extension CannedDNSLookup: @unchecked Sendable {}
