import CResolv
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The live ``DNSLookup``: glibc's libresolv (`res_nquery` with a private resolver state), run on
/// an `NIOThreadPool` so that a slow DNS server never blocks an event loop.
///
/// A and AAAA go through `res_nquery` too (for their TTLs); when that finds nothing, `getaddrinfo`
/// answers instead, so names from `/etc/hosts` resolve (with ``hostsFileTTL``).
public struct SystemDNSLookup: DNSLookup {
    let threadPool: NIOThreadPool
    /// Per-query timeout and attempts (override resolv.conf when > 0).
    public var timeoutSeconds: Int32
    public var attempts: Int32
    /// The TTL given to addresses that only `getaddrinfo` knew.
    public var hostsFileTTL: UInt32
    /// The largest answer read (bytes).
    static let answerCapacity = 65_535

    /// - Parameter threadPool: a started pool (`NIOThreadPool.singleton` is fine).
    public init(threadPool: NIOThreadPool = .singleton, timeoutSeconds: Int32 = 2, attempts: Int32 = 2, hostsFileTTL: UInt32 = 60) {
        self.threadPool = threadPool
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
        self.hostsFileTTL = hostsFileTTL
    }

    public func naptr(_ name: String) async throws -> [NAPTRRecord] {
        guard let answer = try await query(name, type: GH_NS_T_NAPTR) else { return [] }
        return try DNSAnswerParser.naptr(answer, name: name)
    }

    public func srv(_ name: String) async throws -> [SRVRecord] {
        guard let answer = try await query(name, type: GH_NS_T_SRV) else { return [] }
        return try DNSAnswerParser.srv(answer, name: name)
    }

    public func addresses(_ host: String) async throws -> [AddressRecord] {
        var records: [AddressRecord] = []
        if let answer = try? await query(host, type: GH_NS_T_A) {
            records += (try? DNSAnswerParser.addresses(answer, name: host, ipv6: false)) ?? []
        }
        if let answer = try? await query(host, type: GH_NS_T_AAAA) {
            records += (try? DNSAnswerParser.addresses(answer, name: host, ipv6: true)) ?? []
        }
        if !records.isEmpty { return records }
        let ttl = hostsFileTTL
        return try await threadPool.runIfActive { Self.getaddrinfo(host, ttl: ttl) }
    }

    /// The raw answer, nil when the name or the records do not exist.
    private func query(_ name: String, type: Int32) async throws -> [UInt8]? {
        let (timeout, attempts) = (timeoutSeconds, self.attempts)
        return try await threadPool.runIfActive { () throws -> [UInt8]? in
            var answer = [UInt8](repeating: 0, count: Self.answerCapacity)
            var hErrno: Int32 = 0
            let length = answer.withUnsafeMutableBufferPointer { buffer in
                gh_res_query(name, type, buffer.baseAddress, Int32(buffer.count), timeout, attempts, &hErrno)
            }
            if length < 0 {
                // HOST_NOT_FOUND (1) and NO_DATA (4): no such records. Others are failures.
                if hErrno == 1 || hErrno == 4 { return nil }
                throw DNSLookupError.resolverFailure(name: name, hErrno: hErrno)
            }
            return Array(answer.prefix(Int(length)))
        }
    }

    private static func getaddrinfo(_ host: String, ttl: UInt32) -> [AddressRecord] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard Glibc.getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var records: [AddressRecord] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if let address = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var raw = sin.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var raw = sin6.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    }
                default: break
                }
            }
            let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !string.isEmpty, !records.contains(where: { $0.address == string }) {
                records.append(AddressRecord(address: string, ttl: ttl))
            }
            cursor = entry.pointee.ai_next
        }
        // IPv4 first, as res_nquery results are ordered.
        return records.filter { !$0.address.contains(":") } + records.filter { $0.address.contains(":") }
    }
}
