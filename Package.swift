// swift-tools-version:6.2
import PackageDescription

/// Everything beyond ClientCore (the server, the terminal client, the tests) needs the `Server` trait, off by default:
/// an app that adds this package for ClientCore resolves no package at all (`ThrowawayAppTests` checks it), while here
/// `make` builds and tests with `--traits Server`. SwiftPM leaves out a dependency that only a disabled trait uses.
let server = TargetDependencyCondition.when(traits: ["Server"])
/// The resource-server kit's own trait: a service that trusts PhoneAuth's tokens resolves jwt-kit and nothing of the server.
let resourceServer = TargetDependencyCondition.when(traits: ["ResourceServer"])
/// Its Hummingbird middleware's: the kit and Hummingbird.
let resourceServerHummingbird = TargetDependencyCondition.when(traits: ["ResourceServerHummingbird"])

let package = Package(
    name: "PhoneAuth",
    platforms: [.macOS(.v15), .iOS(.v17)],
    products: [
        .executable(name: "PhoneAuthServer", targets: ["PhoneAuthServer"]),
        .executable(name: "clientcli", targets: ["clientcli"]),
        .executable(name: "phoneauth-fuzz", targets: ["phoneauth-fuzz"]),
        .library(name: "ClientCore", targets: ["ClientCore"]),
        .library(name: "PhoneAuthAPI", targets: ["PhoneAuthAPI"]),
        .library(name: "PhoneAuthResourceServer", targets: ["PhoneAuthResourceServer"]),
        .library(name: "PhoneAuthHummingbird", targets: ["PhoneAuthHummingbird"]),
    ],
    traits: [
        .trait(
            name: "Server", description: "The server, clientcli and the tests with their dependencies (make enables it).",
            enabledTraits: ["ResourceServerHummingbird"]),
        .trait(name: "ResourceServer", description: "PhoneAuthResourceServer, for services that trust PhoneAuth's tokens (jwt-kit)."),
        .trait(
            name: "ResourceServerHummingbird", description: "PhoneAuthHummingbird: the kit's middleware for Hummingbird services.",
            enabledTraits: ["ResourceServer"]),
        .default(enabledTraits: []),
    ],
    dependencies: [
        // FullFoundation only: the default ConfigurationSupport trait pulls swift-configuration, which we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // `make docs`: ClientCore's DocC site (a plugin: nothing of it is linked into a product).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The wire types: request and response bodies and error codes, Foundation only. The server encodes them and
        // ClientCore decodes them, so the two cannot drift.
        .target(name: "PhoneAuthAPI"),
        // Phone numbers, markets, policies, decisions, services and the repository protocols: no HTTP, no SQL.
        .target(
            name: "PhoneAuthCore",
            dependencies: [
                .target(name: "PhoneAuthResourceServer", condition: server),
                .target(name: "PhoneAuthAPI", condition: server),
                .product(name: "JWTKit", package: "jwt-kit", condition: server),
                .product(name: "Logging", package: "swift-log", condition: server),
                .product(name: "Crypto", package: "swift-crypto", condition: server),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
                .product(name: "Prometheus", package: "swift-prometheus", condition: server),
            ]
        ),
        // The SMS providers (Twilio, SNS, a webhook) over libcurl.
        .target(
            name: "PhoneAuthDelivery",
            dependencies: [
                .target(name: "PhoneAuthCore", condition: server),
                .target(name: "CCurl", condition: server),
                .product(name: "Crypto", package: "swift-crypto", condition: server),
                .product(name: "NIOPosix", package: "swift-nio", condition: server),
            ]
        ),
        // The only modules that import GRDB and PostgresNIO: each backend behind Core's repository protocols.
        .target(
            name: "PhoneAuthNetwork",
            dependencies: [
                .target(name: "PhoneAuthCore", condition: server),
                .target(name: "PhoneAuthDelivery", condition: server),
                .product(name: "JWTKit", package: "jwt-kit", condition: server),
                .product(name: "Logging", package: "swift-log", condition: server),
            ]
        ),
        .target(
            name: "PhoneAuthSQLite",
            dependencies: [
                .target(name: "PhoneAuthCore", condition: server),
                .product(name: "GRDB", package: "GRDB.swift", condition: server),
                .product(name: "NIOPosix", package: "swift-nio", condition: server),
            ]
        ),
        .target(
            name: "PhoneAuthPostgres",
            dependencies: [
                .target(name: "PhoneAuthCore", condition: server),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: server),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio", condition: server),
                .product(name: "Logging", package: "swift-log", condition: server),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
                .product(name: "NIOPosix", package: "swift-nio", condition: server),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: server),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
            ]
        ),
        // HTTP, the console and the commands: the composition root over the modules above.
        .executableTarget(
            name: "PhoneAuthServer",
            dependencies: [
                .target(name: "PhoneAuthAPI", condition: server),
                .target(name: "PhoneAuthCore", condition: server),
                .target(name: "PhoneAuthDelivery", condition: server),
                .target(name: "PhoneAuthNetwork", condition: server),
                .target(name: "PhoneAuthSQLite", condition: server),
                .target(name: "PhoneAuthPostgres", condition: server),
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HummingbirdCore", package: "hummingbird", condition: server),
                .product(name: "HummingbirdTLS", package: "hummingbird", condition: server),
                .product(name: "JWTKit", package: "jwt-kit", condition: server),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: server),
                .product(name: "Logging", package: "swift-log", condition: server),
                .product(name: "Crypto", package: "swift-crypto", condition: server),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
                .product(name: "NIOPosix", package: "swift-nio", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras", condition: server),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: server),
                .product(name: "Mustache", package: "swift-mustache", condition: server),
            ],
            resources: [.copy("OpenAPI/openapi.yaml"), .copy("Console/Templates"), .copy("Console/Assets")]
        ),
        // Fuzzing (make fuzz): each parser's property, and the driver libFuzzer runs them with (its driver's
        // declaration in CLibFuzzer; the runtime is linked only into the fuzzing build).
        .target(
            name: "PhoneAuthFuzzing",
            dependencies: [.target(name: "PhoneAuthCore", condition: server), "PhoneAuthResourceServer"]
        ),
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "phoneauth-fuzz",
            dependencies: [.target(name: "PhoneAuthFuzzing", condition: server), "CLibFuzzer"]
        ),
        .target(name: "ClientCore", dependencies: ["PhoneAuthAPI"]),
        .target(
            name: "PhoneAuthResourceServer",
            dependencies: ["PhoneAuthAPI", .product(name: "JWTKit", package: "jwt-kit", condition: resourceServer)]
        ),
        .target(
            name: "PhoneAuthHummingbird",
            dependencies: [
                "PhoneAuthResourceServer", .product(name: "Hummingbird", package: "hummingbird", condition: resourceServerHummingbird),
            ]
        ),
        // The example market-specific service (Examples/Orders): a Hummingbird API built on the kit.
        .executableTarget(
            name: "OrdersExample",
            dependencies: [
                "PhoneAuthHummingbird",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: server),
            ],
            path: "Examples/Orders"
        ),
        .executableTarget(
            name: "clientcli",
            dependencies: [
                "ClientCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: server),
            ]
        ),
        .testTarget(
            name: "PhoneAuthServerTests",
            dependencies: [
                "PhoneAuthServer",
                .target(name: "PhoneAuthAPI", condition: server),
                .target(name: "PhoneAuthCore", condition: server),
                .target(name: "PhoneAuthDelivery", condition: server),
                .target(name: "PhoneAuthNetwork", condition: server),
                .target(name: "PhoneAuthSQLite", condition: server),
                .target(name: "PhoneAuthPostgres", condition: server),
                "ClientCore",
                "PhoneAuthResourceServer",
                "PhoneAuthHummingbird",
                "clientcli",
                "OrdersExample",
                .target(name: "PhoneAuthFuzzing", condition: server),
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: server),
                .product(name: "JWTKit", package: "jwt-kit", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: server),
                .product(name: "GRDB", package: "GRDB.swift", condition: server),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
                .product(name: "NIOPosix", package: "swift-nio", condition: server),
            ]
        ),
        .testTarget(name: "ClientCoreTests", dependencies: ["ClientCore"]),
    ],
    swiftLanguageModes: [.v6]
)
