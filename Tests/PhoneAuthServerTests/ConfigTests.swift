import Foundation
import Testing

@testable import PhoneAuthServer

@Suite final class ConfigTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-config-\(UUID().uuidString)").path
    let strong = String(repeating: "k", count: 32)

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func resolve(_ arguments: [String], env: [String: String] = [:]) throws -> AppConfig {
        try ServeOptions.parse(["--database", folder + "/db.sqlite"] + arguments).resolve(environment: env)
    }

    private func refusal(_ arguments: [String], env: [String: String] = [:]) -> String? {
        do {
            _ = try resolve(arguments, env: env)
            return nil
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func developmentDefaultsNeedNoSettings() throws {
        let config = try resolve([])
        #expect(config.port == 8080)
        #expect(config.host == "127.0.0.1")
        #expect(config.mode == .development)
        #expect(config.smsProviders == [.console])
        #expect(config.markets.markets.map(\.code).sorted() == ["kg", "us"])
        #expect(config.codeLifetime == .seconds(300))
        #expect(config.tokenLifetime == .seconds(1800))
    }

    @Test func developmentGeneratesASecretOnceAndKeepsItPrivate() throws {
        var messages: [String] = []
        let first = try ServeOptions.parse(["--database", folder + "/db.sqlite"]).resolve(environment: [:]) { messages.append($0) }
        let second = try resolve([])
        #expect(first.jwtSecret == second.jwtSecret)
        #expect(first.jwtSecret.count >= 32)
        #expect(first.pepper != first.jwtSecret)
        #expect(messages.count == 2)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/jwt-secret")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func flagsWinOverEnvironmentWhichWinsOverDefaults() throws {
        let env = ["PHONEAUTH_PORT": "9000", "PHONEAUTH_ISSUER": "from-env", "PHONEAUTH_JWT_SECRET": strong]
        let fromEnv = try resolve([], env: env)
        #expect(fromEnv.port == 9000)
        #expect(fromEnv.issuer == "from-env")
        #expect(fromEnv.jwtSecret == Array(strong.utf8))
        let fromFlag = try resolve(["--port", "9100"], env: env)
        #expect(fromFlag.port == 9100)
    }

    @Test func productionRefusesWeakOrMissingSettings() {
        let webhook = ["--sms", "webhook", "--sms-webhook-url", "https://sms.example.com/hook", "--sms-webhook-secret", "s"]
        let production = ["--environment", "production"]
        #expect(refusal(production + webhook + ["--pepper", strong])?.contains("PHONEAUTH_JWT_SECRET") == true)
        #expect(refusal(production + webhook + ["--jwt-secret", strong])?.contains("PHONEAUTH_PEPPER") == true)
        #expect(refusal(production + webhook + ["--jwt-secret", "short", "--pepper", strong])?.contains("32 bytes") == true)
        #expect(refusal(production + ["--jwt-secret", strong, "--pepper", strong])?.contains("console") == true)
        #expect(refusal(production + webhook + ["--jwt-secret", strong, "--pepper", strong]) == nil)
    }

    @Test func badValuesAreExplained() {
        #expect(refusal(["--environment", "staging"])?.contains("development or production") == true)
        #expect(refusal(["--sms", "carrier-pigeon"])?.contains("unknown provider") == true)
        #expect(refusal(["--sms", "webhook"])?.contains("webhook") == true)
        #expect(refusal(["--sms", "webhook", "--sms-webhook-url", "ftp://x", "--sms-webhook-secret", "s"])?.contains("http") == true)
        #expect(refusal([], env: ["PHONEAUTH_PORT": "eighty"])?.contains("not a number") == true)
        #expect(refusal(["--port", "70000"])?.contains("out of range") == true)
        #expect(refusal(["--markets-file", "/nonexistent/markets.json"])?.contains("cannot read") == true)
    }

    @Test func marketsComeFromAFile() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/markets.json"
        let json = """
            {"markets": [
              {"code": "kz", "country": "Kazakhstan", "calling_code": "7", "currency": "KZT", "default_language": "ru",
               "national_number_lengths": [10],
               "address": {"region_required": false, "postal_code_required": true, "postal_code_pattern": "^[0-9]{6}$"}}
            ]}
            """
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try resolve(["--markets-file", path])
        #expect(config.markets.markets.map(\.code) == ["kz"])
        #expect(try config.markets.market(for: PhoneNumber(parsing: "+7 701 234 5678")).code == "kz")
        #expect(throws: AppError.marketNotSupported) { try config.markets.market(for: PhoneNumber(parsing: "+13125550100")) }
    }

    @Test func aBrokenMarketsFileIsRefused() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/markets.json"
        try #"{"markets": [{"code": "US"}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal(["--markets-file", path])?.contains("not valid") == true)
        try #"{"markets": []}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal(["--markets-file", path])?.contains("empty") == true)
    }
}
