import Foundation
import Testing

/// An iOS or macOS app adds this repository for ClientCore alone: everything else sits behind the `Server` trait, so
/// the app resolves no server dependency (no Hummingbird, GRDB, postgres-nio, NIO, jwt-kit, ...) and builds ClientCore
/// from Foundation. Checked with a real throwaway app package, by the package manager this suite runs under.
@Suite(.serialized)
struct ThrowawayAppTests {
    static let repository = RepositoryFolder.root

    @Test func anAppThatAddsClientCoreResolvesNoOtherPackageAndBuilds() async throws {
        let app = try Self.makeApp(dependency: ".package(name: \"PhoneAuth\", path: \"\(Self.repository.path)\")")
        defer { try? FileManager.default.removeItem(at: app) }

        let resolved = try await Self.swift(["package", "resolve"], in: app)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(try Self.pinnedPackages(in: app) == [])

        let built = try await Self.swift(["build"], in: app)
        #expect(built.status == 0, "\(built.stderr)")
        let ran = try await Self.swift(["run", "--skip-build", "App"], in: app)
        #expect(ran.stdout == "signed out\n", "\(ran.stderr)")
    }

    /// The control: the same app with the trait on pins the server's packages, so the count above is not empty
    /// because the counting is blind.
    @Test func theSameAppWithTheServerTraitPinsTheServerPackages() async throws {
        let app = try Self.makeApp(
            dependency: ".package(name: \"PhoneAuth\", path: \"\(Self.repository.path)\", traits: [\"Server\"])")
        defer { try? FileManager.default.removeItem(at: app) }

        let resolved = try await Self.swift(["package", "resolve"], in: app)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let pinned = try Self.pinnedPackages(in: app)
        #expect(pinned.isSuperset(of: ["hummingbird", "grdb.swift", "postgres-nio", "swift-nio", "jwt-kit"]), "\(pinned)")
    }

    /// A service that adds the repository for the resource-server kit (trait `ResourceServer`) resolves jwt-kit and
    /// what jwt-kit needs, and nothing of the server; with the Hummingbird middleware's trait, Hummingbird's too.
    @Test func aServiceThatAddsTheKitPinsOnlyJWTKitsPackages() async throws {
        let kit = try Self.makeApp(
            dependency: ".package(name: \"PhoneAuth\", path: \"\(Self.repository.path)\", traits: [\"ResourceServer\"])",
            product: "PhoneAuthResourceServer")
        defer { try? FileManager.default.removeItem(at: kit) }
        let resolved = try await Self.swift(["package", "resolve"], in: kit)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let pinned = try Self.pinnedPackages(in: kit)
        #expect(pinned.contains("jwt-kit"), "\(pinned)")
        #expect(pinned.isSubset(of: Self.jwtKitPackages), "pinned beyond jwt-kit's own: \(pinned.subtracting(Self.jwtKitPackages))")

        let hummingbird = try Self.makeApp(
            dependency: ".package(name: \"PhoneAuth\", path: \"\(Self.repository.path)\", traits: [\"ResourceServerHummingbird\"])",
            product: "PhoneAuthHummingbird")
        defer { try? FileManager.default.removeItem(at: hummingbird) }
        #expect(try await Self.swift(["package", "resolve"], in: hummingbird).status == 0)
        let withMiddleware = try Self.pinnedPackages(in: hummingbird)
        #expect(withMiddleware.isSuperset(of: ["jwt-kit", "hummingbird"]), "\(withMiddleware)")
        #expect(withMiddleware.isDisjoint(with: ["grdb.swift", "postgres-nio", "swift-argument-parser", "swift-prometheus", "swift-mustache"]))
    }

    /// jwt-kit and the packages it depends on.
    static let jwtKitPackages: Set<String> = ["jwt-kit", "swift-crypto", "swift-certificates", "swift-asn1", "swift-log", "swift-extras-base64"]

    /// A package with one executable that links `product` (ClientCore: it prints the state of a fresh session).
    static func makeApp(dependency: String, product: String = "ClientCore") throws -> URL {
        let app = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-app-\(UUID().uuidString)")
        let sources = app.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        let manifest = """
            // swift-tools-version:6.2
            import PackageDescription

            let package = Package(
                name: "App",
                platforms: [.macOS(.v15), .iOS(.v17)],
                dependencies: [\(dependency)],
                targets: [.executableTarget(name: "App", dependencies: [.product(name: "\(product)", package: "PhoneAuth")])]
            )
            """
        try manifest.write(to: app.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let main = """
            import ClientCore
            import Foundation

            let session = PhoneAuthSession(
                client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:1")!), store: InMemoryTokenStore())
            print(try await session.credentials() == nil ? "signed out" : "signed in")
            """
        try main.write(to: sources.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        return app
    }

    /// The identities Package.resolved pins; none when the package manager wrote no file (nothing to pin).
    static func pinnedPackages(in app: URL) throws -> Set<String> {
        let file = app.appendingPathComponent("Package.resolved")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        struct Resolved: Decodable {
            struct Pin: Decodable { let identity: String }
            let pins: [Pin]
        }
        return Set(try JSONDecoder().decode(Resolved.self, from: Data(contentsOf: file)).pins.map(\.identity))
    }

    /// `swift <subcommand> --package-path app …`: the path goes right after the subcommand, since what follows the
    /// executable's name in `swift run` is the executable's own arguments.
    static func swift(_ arguments: [String], in app: URL) async throws -> CLIRunner.Result {
        try await CLIRunner.run(
            // coreutils' timeout: a package manager that waits on a lock fails the test instead of hanging the suite.
            ["timeout", "600", "swift", arguments[0], "--package-path", app.path] + arguments.dropFirst(),
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }
}
