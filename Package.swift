// swift-tools-version:6.1
import PackageDescription

/// Gatehouse: SIP trunk gateway and B2BUA. Module map: ../shared/design/ARCHITECTURE.md and README.md.
let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "dialplan-bench", targets: ["DialPlanBenchmark"]),
        // For the separate Benchmarks/ package (scripts/bench-sip-parse).
        .library(name: "SIPCore", targets: ["SIPCore"]),
        .executable(name: "media-bench", targets: ["MediaRelayBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C system libraries: a module map and a shim header each (C-LIBRARIES.md).
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CResolv"),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: Pure protocol modules.
        .target(name: "SIPCore", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "SDP", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "RTPCore", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "Transcoding", dependencies: ["RTPCore", "CSpanDSP", "COpus"]),
        .target(name: "SIPTransaction", dependencies: ["SIPCore"]),
        .target(name: "SIPTrace", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .target(name: "SIPSecurity", dependencies: ["SIPCore", "CSQLite3"]),

        // MARK: SIP stack: transactions on event loops, RFC 3263 resolution.
        .target(name: "SIPStack", dependencies: [
            "SIPCore", "SIPTransaction", "SIPTransport", "CResolv",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .target(name: "SecureRTP", dependencies: ["RTPCore", "CSRTP", "COpenSSL", .product(name: "NIOCore", package: "swift-nio")]),

        // MARK: Socket modules.
        .target(name: "SIPTransport", dependencies: [
            "SIPCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "CMediaSocket"),
        .target(name: "MediaRelay", dependencies: [
            "RTPCore", "SecureRTP", "Transcoding", "CMediaSocket", "DTMF", "SIPCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // MARK: Operator input: positioned YAML reading shared by the config and the dial plan.
        .target(name: "OperatorInput", dependencies: [.product(name: "Yams", package: "Yams")]),

        // MARK: The dial plan: decode, validate, route, explain, reload. Works on plain strings, no SIPCore.
        .target(name: "DialPlan", dependencies: ["OperatorInput", .product(name: "Yams", package: "Yams")]),
        .target(name: "DTMF", dependencies: ["RTPCore", "CSpanDSP", .product(name: "NIOCore", package: "swift-nio")]),

        // MARK: The B2BUA: call state machine, SDP anchoring decisions, call records (pure).
        .target(name: "B2BUA", dependencies: ["SIPCore", "SDP", "DialPlan"]),

        // MARK: Registrar, digest authentication, location service and presence (issue 4).
        .target(name: "Registrar", dependencies: ["SIPCore", "COpenSSL", "SQLiteSupport"]),
        // MARK: The SQLite connection shared by the embedded stores (bindings, call records).
        .target(name: "SQLiteSupport", dependencies: ["CSQLite3"]),
        // MARK: Call detail records: the store protocol and its SQLite implementation.
        .target(name: "CallRecords", dependencies: ["B2BUA", "SQLiteSupport"]),

        // MARK: The admin HTTP API (Hummingbird) and its client, behind the AdminDataSource protocol.
        .target(name: "AdminAPI", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Composition root and CLI.
        .target(name: "Gateway", dependencies: [
            "SIPCore", "SDP", "RTPCore", "OperatorInput", "DialPlan", "SIPStack", "SIPTransport", "Registrar", "CallRecords",
            "SIPSecurity", "DTMF", "SecureRTP",
            "AdminAPI", "SIPTrace",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            "B2BUA", "MediaRelay", "Transcoding",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "sipstack-peer", dependencies: [
            "SIPStack", "SIPTransport", .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .executableTarget(name: "gatehouse", dependencies: [
            "Gateway", "AdminAPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // libFuzzer target for the SIP parsers (scripts/fuzz); a replay tool in a plain build.
        .executableTarget(name: "SIPCoreFuzz", dependencies: ["SIPCore", "FuzzSupport"]),
        // libFuzzer targets for SDP, the dial plan, RTP/RTCP and DTMF parsers (scripts/fuzz).
        .executableTarget(name: "GatehouseFuzz", dependencies: ["SDP", "DialPlan", "RTPCore", "DTMF", "FuzzSupport"]),
        // The libFuzzer entry and replay scaffolding both fuzz executables share.
        .target(name: "FuzzSupport"),

        // MARK: Benchmarks (scripts/bench-*).
        .executableTarget(name: "MediaRelayBenchmark", dependencies: [
            "MediaRelay", "Transcoding", "SecureRTP", "CMediaSocket",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "DialPlanBenchmark", dependencies: ["DialPlan", .product(name: "Yams", package: "Yams")]),

        // MARK: Tests: one target per module, and the helpers several of them share.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CLibrariesTests", dependencies: ["CSpanDSP", "COpus", "CSRTP", "COpenSSL", "SecureRTP", "TestSupport"]),
        .testTarget(name: "DTMFTests", dependencies: ["DTMF", "RTPCore", "CSpanDSP", "TestSupport", .product(name: "NIOCore", package: "swift-nio")], resources: [.copy("Fixtures")]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "DialPlan", "Registrar", "SIPCore", "SIPTransport", "SIPSecurity", "B2BUA", "MediaRelay", "DTMF", "AdminAPI", "TestSupport",
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TranscodingTests", dependencies: ["Transcoding", "RTPCore", "TestSupport"]),
        .testTarget(name: "SecureRTPTests", dependencies: ["SecureRTP", "CSRTP", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "MediaRelayTests", dependencies: [
            "MediaRelay", "SecureRTP", "RTPCore", "Transcoding", "DTMF", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "RTPCoreTests", dependencies: ["RTPCore", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SIPTransportTests", dependencies: [
            "SIPTransport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
        ]),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore", "SIPCoreFuzz", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OperatorInputTests", dependencies: ["OperatorInput"]),
        .testTarget(name: "CallRecordsTests", dependencies: ["CallRecords", "B2BUA"]),
        .testTarget(name: "RegistrarTests", dependencies: ["Registrar", "SIPCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DialPlanTests", dependencies: ["DialPlan"], resources: [.copy("Fixtures")]),
        .testTarget(name: "B2BUATests", dependencies: ["B2BUA", "SDP", "DialPlan"]),
        .testTarget(name: "SIPTransactionTests", dependencies: ["SIPTransaction"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SIPTraceTests", dependencies: ["SIPTrace", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "GatehouseFuzzTests", dependencies: ["GatehouseFuzz"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AdminAPITests", dependencies: [
            "AdminAPI", "Gateway", "Registrar", "SIPCore", "CallRecords", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "SIPSecurityTests", dependencies: ["SIPSecurity", "SIPCore"]),
        .testTarget(name: "SIPStackTests", dependencies: [
            "SIPStack", "SIPTransport", .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
