import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// For deployments without a TLS-terminating proxy: `--tls-certificate` and `--tls-key` make the real binary speak
/// HTTPS only, with the certificate given; a bad pair stops it before it listens.
@Suite struct TLSTests {
    private static func makeCertificate(in folder: URL) async throws -> (certificate: String, key: String) {
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let status = await Spawn.run([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        #expect(status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        return (certificate, key)
    }

    @Test func theServerSpeaksHTTPSWithTheGivenCertificateAndNotPlainHTTP() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try await Self.makeCertificate(in: folder)
        let port = try MotoServer.freePort()
        let server = try await ServerProcess.start(
            port: port,
            arguments: ["--database", folder.appendingPathComponent("db.sqlite").path, "--tls-certificate", certificate, "--tls-key", key],
            trusting: certificate)
        defer { Task { await server.stop() } }
        let curl = CurlClient.isolated()
        let sent = try await curl.perform(
            CurlRequest(
                url: "https://127.0.0.1:\(port)/auth/send-code", headers: ["Content-Type: application/json"],
                body: Array(#"{"phone":"+13125550190"}"#.utf8), caFile: certificate))
        #expect(sent.status == 202)
        #expect(sent.header("cache-control") == "no-store")
        // Over TLS the console's cookies are Secure.
        let login = try await curl.perform(CurlRequest(url: "https://127.0.0.1:\(port)/console/login", method: "GET", caFile: certificate))
        #expect(login.status == 200)
        #expect(login.header("set-cookie")?.contains("; Secure") == true)
        // Plain HTTP on the TLS port gets no HTTP answer.
        let plain = try? await curl.perform(CurlRequest(url: "http://127.0.0.1:\(port)/health/live", method: "GET"))
        #expect(plain == nil || plain?.status != 200)
        // Without the CA, the client refuses the certificate: it is really the one configured.
        let untrusted = try? await curl.perform(CurlRequest(url: "https://127.0.0.1:\(port)/health/live", method: "GET"))
        #expect(untrusted == nil)
        await server.stop()
    }

    @Test func aKeyThatIsNotPEMStopsTheServerWithExitCode2() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try await Self.makeCertificate(in: folder)
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: key))
        let status = await Spawn.run([
            CLIRunner.binary("PhoneAuthServer").path, "serve", "--port", String(try MotoServer.freePort()),
            "--database", folder.appendingPathComponent("db.sqlite").path, "--tls-certificate", certificate, "--tls-key", key,
        ])
        #expect(status == 2)
        let half = await Spawn.run([
            CLIRunner.binary("PhoneAuthServer").path, "serve", "--database", folder.appendingPathComponent("db.sqlite").path,
            "--tls-certificate", certificate,
        ])
        #expect(half == 2)
    }
}
