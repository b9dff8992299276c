// swift-tools-version:6.1
// Benchmarks, outside the main package so its build never pays for them:
//   `phoneauth-load`: the load generator `make bench` uses where wrk cannot (full logins with the code read from a
//   loopback SMS webhook receiver, fixed-rate loads for latency at a given rate, a pumping bot that solves every challenge);
//   `PhoneAuthMicro`: in-process micro-benchmarks (ordo-one/benchmark) of the hot path's pieces, compiled from the
//   server's own sources (`Modules/PhoneAuthAPI`, `Modules/PhoneAuthCore` and `Benchmarks/PhoneAuthMicro/Server` link
//   to them).
// Run from the top: `make bench` (both) or `cd Benchmarks && swift package benchmark`.
import PackageDescription

let package = Package(
    name: "PhoneAuthBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // PhoneAuthCore's dependencies and the server's for the two files PhoneAuthMicro compiles (profile encoding).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "phoneauth-load",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The wire types and the server's core, compiled here from their own sources (`Modules/…` link to them).
        .target(name: "PhoneAuthAPI", path: "Modules/PhoneAuthAPI", exclude: ["PhoneAuthAPI.docc"]),
        .target(
            name: "PhoneAuthCore",
            dependencies: [
                "PhoneAuthAPI",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Modules/PhoneAuthCore"
        ),
        .executableTarget(
            name: "PhoneAuthMicro",
            dependencies: [
                "PhoneAuthAPI",
                "PhoneAuthCore",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/PhoneAuthMicro",
            // The profile's wire shape and its ETag are the server's; the rest of the server stays out.
            sources: [
                "PhoneAuthMicro.swift", "Server/Controllers/ETag.swift", "Server/Controllers/UserProfile+User.swift",
                "Server/Controllers/Address+Record.swift", "Server/Controllers/WireTypes+ResponseEncodable.swift",
            ],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
