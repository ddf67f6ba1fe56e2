// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of Gatehouse, kept out of the main package so `swift build`, `swift test` and CI
/// never compile ordo-one/benchmark. Run them with scripts/bench-sip-parse.
let package = Package(
    name: "GatehouseBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Gatehouse", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SIPParse",
            dependencies: [
                .product(name: "SIPCore", package: "Gatehouse"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SIPParse",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
