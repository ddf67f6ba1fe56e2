// swift-tools-version:6.1
import PackageDescription

/// Gatehouse: SIP trunk gateway and B2BUA. Module map: ../shared/design/ARCHITECTURE.md and README.md.
let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        // For the separate Benchmarks/ package (scripts/bench-sip-parse).
        .library(name: "SIPCore", targets: ["SIPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: C system libraries: a module map and a shim header each (C-LIBRARIES.md).
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // MARK: Pure protocol modules.
        .target(name: "SIPCore", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "SDP", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "RTPCore", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),

        // MARK: Composition root and CLI.
        .target(name: "Gateway", dependencies: [
            "SIPCore", "SDP", "RTPCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "gatehouse", dependencies: [
            "Gateway",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer target for the SIP parsers (scripts/fuzz); a replay tool in a plain build.
        .executableTarget(name: "SIPCoreFuzz", dependencies: ["SIPCore"]),

        // MARK: Tests: one target per module.
        .testTarget(name: "CLibrariesTests", dependencies: ["CSpanDSP", "COpus", "CSRTP", "COpenSSL"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway"]),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
