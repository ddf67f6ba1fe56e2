import CResolv

/// Reads the answer section of a DNS response with libresolv's `ns_initparse`/`ns_parserr`
/// (RFC 1035 §4.1); compressed names are expanded with `dn_expand`. Records of other types
/// (CNAMEs the server followed) are skipped. Works on bytes only, so tests feed it canned
/// answers.
public enum DNSAnswerParser {
    /// The longest name `dn_expand` writes (NS_MAXDNAME).
    static let maximumNameLength = 1025

    public static func srv(_ message: [UInt8], name: String) throws(DNSLookupError) -> [SRVRecord] {
        try records(message, name: name, type: GH_NS_T_SRV) { base, end, rdata, length, ttl in
            guard length >= 7 else { return nil }
            guard let target = expandName(base: base, end: end, at: rdata + 6) else { return nil }
            return SRVRecord(
                priority: read16(rdata), weight: read16(rdata + 2), port: read16(rdata + 4), target: target.name, ttl: ttl)
        }
    }

    public static func naptr(_ message: [UInt8], name: String) throws(DNSLookupError) -> [NAPTRRecord] {
        try records(message, name: name, type: GH_NS_T_NAPTR) { base, end, rdata, length, ttl in
            // RFC 3403 §4.1: ORDER, PREFERENCE, FLAGS, SERVICES, REGEXP (character-strings),
            // REPLACEMENT (a domain name).
            guard length >= 7 else { return nil }
            var offset = 4
            var strings: [String] = []
            for _ in 0..<3 {
                guard offset < length else { return nil }
                let count = Int(rdata[offset])
                guard offset + 1 + count <= length else { return nil }
                strings.append(String(decoding: UnsafeBufferPointer(start: rdata + offset + 1, count: count), as: UTF8.self))
                offset += 1 + count
            }
            guard offset < length, let replacement = expandName(base: base, end: end, at: rdata + offset) else { return nil }
            return NAPTRRecord(
                order: read16(rdata), preference: read16(rdata + 2), flags: strings[0], service: strings[1],
                regexp: strings[2], replacement: replacement.name, ttl: ttl)
        }
    }

    public static func addresses(_ message: [UInt8], name: String, ipv6: Bool) throws(DNSLookupError) -> [AddressRecord] {
        try records(message, name: name, type: ipv6 ? GH_NS_T_AAAA : GH_NS_T_A) { _, _, rdata, length, ttl in
            if ipv6 {
                guard length == 16 else { return nil }
                let groups = (0..<8).map { String(read16(rdata + 2 * $0), radix: 16) }
                return AddressRecord(address: IPv6Text.compress(groups), ttl: ttl)
            }
            guard length == 4 else { return nil }
            return AddressRecord(address: (0..<4).map { String(rdata[$0]) }.joined(separator: "."), ttl: ttl)
        }
    }

    private static func records<Record>(
        _ message: [UInt8], name: String, type: Int32,
        _ decode: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>, Int, UInt32) -> Record?
    ) throws(DNSLookupError) -> [Record] {
        let result: [Record]? = message.withUnsafeBufferPointer { buffer -> [Record]? in
            guard let start = buffer.baseAddress else { return nil }
            var handle = ns_msg()
            guard gh_ns_initparse(start, Int32(buffer.count), &handle) == 0 else { return nil }
            var output: [Record] = []
            let count = gh_ns_msg_count(&handle, GH_NS_S_AN)
            for index in 0..<count {
                var rr = ns_rr()
                guard gh_ns_parserr(&handle, GH_NS_S_AN, index, &rr) == 0 else { return nil }
                guard gh_ns_rr_type(&rr) == type, let rdata = gh_ns_rr_rdata(&rr),
                    let base = gh_ns_msg_base(&handle), let end = gh_ns_msg_end(&handle)
                else { continue }
                let length = Int(gh_ns_rr_rdlen(&rr))
                guard rdata + length <= end else { return nil }
                if let record = decode(base, end, rdata, length, UInt32(gh_ns_rr_ttl(&rr))) { output.append(record) }
            }
            return output
        }
        guard let result else { throw .malformedAnswer(name: name) }
        return result
    }

    private static func read16(_ pointer: UnsafePointer<UInt8>) -> UInt16 {
        UInt16(pointer[0]) << 8 | UInt16(pointer[1])
    }

    private static func expandName(base: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, at source: UnsafePointer<UInt8>)
        -> (name: String, length: Int)?
    {
        var buffer = [CChar](repeating: 0, count: maximumNameLength)
        let used = buffer.withUnsafeMutableBufferPointer { output in
            gh_dn_expand(base, end, source, output.baseAddress, Int32(output.count))
        }
        guard used > 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        var name = String(decoding: bytes, as: UTF8.self)
        if name.isEmpty { name = "." }
        return (name, Int(used))
    }
}

/// IPv6 text form (RFC 5952 §4: the longest run of two or more zero groups becomes `::`).
enum IPv6Text {
    static func compress(_ groups: [String]) -> String {
        var bestStart = -1, bestLength = 0, runStart = -1
        for (index, group) in groups.enumerated() {
            if group == "0" {
                if runStart < 0 { runStart = index }
                let length = index - runStart + 1
                if length > bestLength { bestStart = runStart; bestLength = length }
            } else {
                runStart = -1
            }
        }
        guard bestLength >= 2 else { return groups.joined(separator: ":") }
        let head = groups[..<bestStart].joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
