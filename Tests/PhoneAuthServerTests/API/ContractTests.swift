import Foundation
import HTTPTypes
import HummingbirdTesting
import PhoneAuthAPI
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `openapi.yaml` is the API's contract: it names exactly the routes the router serves, the server hands it out as
/// is, and schemathesis, driving the real binary through a real sign-in, finds no response it does not describe.
@Suite struct ContractTests {
    static let documentURL = RepositoryFolder.url("Sources/PhoneAuthServer/OpenAPI/openapi.yaml")

    /// `(method, path)` of every operation in the document, read off its regular layout: paths at two spaces,
    /// methods at four.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            if let match = line.wholeMatch(of: #/\s{2}(\/\S*):/#) { path = String(match.1) }
            if let match = line.wholeMatch(of: #/\s{4}(get|put|post|patch|delete|head|options):/#), let path {
                operations.insert("\(match.1.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// A route's parameters are named as in the document; the router's `**` (the rest of a path) is `{rest}`.
    static func normalized(_ path: String) -> String {
        path.replacing(/\{[^}]+\}/, with: "{}").replacing("/**", with: "/{}")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() async throws {
        let harness = try TestHarness()
        let catalog = RouteCatalog()
        var dependencies = harness.dependencies
        dependencies.routeCatalog = catalog
        _ = try await harness.app(dependencies)
        let served = Set(catalog.routes.map { "\($0.method.rawValue) \(Self.normalized($0.path))" })
        let documented = Set(
            try Self.documentedOperations().map { entry in
                let parts = entry.split(separator: " ", maxSplits: 1)
                return "\(parts[0]) \(Self.normalized(String(parts[1])))"
            })
        #expect(documented.count >= 30)
        // The market-scoped catch-all answers every method alike; the document describes its GET.
        let catchAll = Set(["POST", "PUT", "PATCH", "DELETE"].map { "\($0) /api/v1/markets/{}/{}" })
        #expect(served.subtracting(documented).subtracting(catchAll).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }

    /// The `code` enum of the document's `Error` schema: the list under `enum:` that follows `code:`.
    static func documentedErrorCodes() throws -> Set<String> {
        let lines = try String(contentsOf: documentURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let schema = try #require(lines.firstIndex { $0.hasSuffix("    error:") })
        let start = try #require(lines[schema...].firstIndex { $0.hasSuffix("              enum:") })
        return Set(
            lines[(start + 1)...].prefix { $0.hasPrefix("                - ") }.map { $0.trimmingCharacters(in: .whitespaces).dropFirst(2) }
                .map(String.init))
    }

    /// The server's codes, the document's and the ones ClientCore decodes are one list: PhoneAuthAPI's `ErrorCode`.
    @Test func theDocumentedErrorCodesAreExactlyTheWireTypesCodes() throws {
        #expect(try Self.documentedErrorCodes() == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test func theServerHandsOutTheDocumentInTheRepository() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.request(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
            #expect(Data(buffer: response.body) == (try Data(contentsOf: Self.documentURL)))
        }
        let validation = try await CLIRunner.run(
            ["python3", "-m", "openapi_spec_validator", Self.documentURL.path], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    }

    /// One phase of schemathesis: the operations `filter` selects, with `authorization` on every request.
    private func schemathesis(_ server: Instance, _ filter: [String], authorization: String, label: String, seed: String) async throws {
        let checks = [
            "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
            "response_schema_conformance", "negative_data_rejection", "unsupported_method", "missing_required_header",
            "allow_header_conformance", "positive_data_acceptance",
        ]
        let arguments =
            [
                "python3", "-m", "schemathesis.cli", "--config-file", RepositoryFolder.url("Tests/Contract/schemathesis.toml").path, "run",
                "http://127.0.0.1:\(server.port)/openapi.yaml", "--checks", checks.joined(separator: ","),
                "-H", "Authorization: \(authorization)", "--max-examples", "15", "--workers", "1", "--seed", seed, "--no-color",
                "--request-timeout", "20", "--generation-database", "none",
            ] + filter
        let run = try await CLIRunner.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        let report = run.stdout + run.stderr
        #expect(
            run.status == 0,
            """
            schemathesis (\(label), seed \(seed); again with PHONEAUTH_SCHEMATHESIS_SEED=\(seed)) found responses the document \
            does not describe:\n\(report.suffix(6000))
            """)
        #expect(report.contains("passed"), "schemathesis (\(label)) ran no test:\n\(report.suffix(2000))")
    }

    /// Signed in for real (the code comes from a loopback webhook), then every operation fuzzed: the user's API with a
    /// user token, introspection with a client's credentials, the admin API with an admin token, and last what ends
    /// sessions (so the earlier phases keep working tokens).
    @Test(.timeLimit(.minutes(10)), arguments: Backend.all)
    func schemathesisFindsNothingTheDocumentDoesNotDescribe(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        // The pinned seed on SQLite, a new one on PostgreSQL each run (named in a failure, to replay it).
        let seed =
            ProcessInfo.processInfo.environment["PHONEAUTH_SCHEMATHESIS_SEED"]
            ?? (backend == .sqlite ? "20261202" : String(UInt32.random(in: 1...UInt32.max)))
        let receiver = WebhookReceiver()
        let relaxed = [
            "--resend-cooldown", "1", "--max-sends-per-phone-hour", "100000", "--max-sends-per-phone-day", "100000",
            "--max-sends-per-ip-hour", "100000", "--max-sends-per-prefix-hour", "100000", "--sms-budget-hour", "100000",
            "--sms-budget-day", "100000", "--max-verify-failures-hour", "100000", "--max-verify-failures-per-network-hour", "100000",
            "--introspection-client", "contract:contract-client-secret", "--metrics-on-main-port",
        ]
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: relaxed)
            do {
                let user = try await server.signIn(receiver, phone: "+13125550161").access
                _ = try await server.signIn(receiver, phone: "+13125550162")
                let promoted = try await CLIRunner.run(
                    ["admin", "promote", "+13125550162", "--database", harness.databaseURL], binary: "PhoneAuthServer")
                #expect(promoted.status == 0)
                try await Task.sleep(for: .milliseconds(1100))  // the resend cooldown
                let admin = try await server.signIn(receiver, phone: "+13125550162").access
                let created = try await server.request(
                    "POST", "/api/v1/profile/addresses",
                    json: ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"], token: user)
                #expect(created.status == 201)

                let ending = "^/auth/logout|^/auth/sessions/|/force-logout$|/disable$|^/admin/users/\\{id\\}$"
                try await schemathesis(
                    server, ["--exclude-path-regex", "^/admin|^/auth/introspect|^/auth/revocations|" + ending], authorization: "Bearer \(user)",
                    label: "user",
                    seed: seed)
                try await schemathesis(
                    server, ["--include-path", "/auth/introspect", "--phases", "examples,coverage,fuzzing"],
                    authorization: "Basic " + Data("contract:contract-client-secret".utf8).base64EncodedString(), label: "introspection", seed: seed)
                try await schemathesis(
                    server, ["--include-path-regex", "^/admin", "--exclude-path-regex", ending], authorization: "Bearer \(admin)",
                    label: "admin", seed: seed)
                try await schemathesis(server, ["--include-path-regex", ending], authorization: "Bearer \(admin)", label: "ending", seed: seed)
                #expect(try await server.request("GET", "/health/live").status == 200, "the server is still up")
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
        }
    }
}
