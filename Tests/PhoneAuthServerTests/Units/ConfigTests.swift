import Foundation
import Testing

@testable import PhoneAuthCore
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

    @Test func aConfigurationErrorComesBeforeAnySecretIsGenerated() throws {
        var messages: [String] = []
        for bad in [["--code-ttl", "5"], ["--sms", "webhook"], ["--refresh-days", "400"]] {
            #expect(throws: ConfigError.self) {
                try ServeOptions.parse(["--database", folder + "/db.sqlite"] + bad).resolve(environment: [:]) { messages.append($0) }
            }
        }
        #expect(messages.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder + "/jwt-secret"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/pepper"))
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

    @Test func providersAreListedInFailoverOrderWithTheirSettings() throws {
        let config = try resolve(
            [
                "--sms", "twilio, sns", "--twilio-account-sid", "AC1", "--twilio-auth-token", "t", "--twilio-from", "+15005550006",
                "--sns-region", "eu-west-1", "--sns-access-key-id", "AK", "--sns-secret-access-key", "s",
            ])
        #expect(config.smsProviders == [.twilio, .sns])
        #expect(config.twilio?.baseURL == "https://api.twilio.com")
        #expect(config.sns?.url == "https://sns.eu-west-1.amazonaws.com/")
    }

    @Test func providersWithoutTheirSettingsAreRefused() {
        #expect(refusal(["--sms", "twilio"])?.contains("--twilio-account-sid") == true)
        #expect(refusal(["--sms", "twilio", "--twilio-account-sid", "AC1", "--twilio-auth-token", "t"])?.contains("exactly one") == true)
        #expect(refusal(["--sms", "sns", "--sns-region", "us-east-1"])?.contains("--sns-access-key-id") == true)
        #expect(refusal(["--sms", "console,console"])?.contains("twice") == true)
        let production = ["--environment", "production", "--jwt-secret", strong, "--pepper", strong]
        #expect(
            refusal(production + ["--sms", "webhook,console", "--sms-webhook-url", "http://x.example", "--sms-webhook-secret", "s"])?
                .contains("console") == true)
    }

    @Test func secretsMayComeFromACredentialsFile() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/credentials.json"
        try #"{"PHONEAUTH_TWILIO_ACCOUNT_SID": "AC9", "PHONEAUTH_TWILIO_AUTH_TOKEN": "from-file", "PHONEAUTH_TWILIO_FROM": "+1500"}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try resolve(["--sms", "twilio", "--sms-credentials-file", path])
        #expect(config.twilio?.authToken == "from-file")
        // The environment wins over the file.
        let overridden = try resolve(["--sms", "twilio", "--sms-credentials-file", path], env: ["PHONEAUTH_TWILIO_AUTH_TOKEN": "from-env"])
        #expect(overridden.twilio?.authToken == "from-env")
    }

    /// What the systemd unit relies on: one credentials file named in the environment carries every secret, the
    /// pepper and the keyring included, and production accepts it when only its owner can read it.
    @Test func oneCredentialsFileInTheEnvironmentCarriesEverySecret() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/phoneauth.json"
        let keyring = "k2:" + strong
        try #"{"PHONEAUTH_JWT_KEYS": "\#(keyring)", "PHONEAUTH_PEPPER": "pepper-from-the-credentials-file-0123456789"}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        _ = chmod(path, 0o600)
        let production = [
            "--environment", "production", "--sms", "webhook", "--sms-webhook-url", "https://sms.example.com", "--sms-webhook-secret", "s",
        ]
        let config = try resolve(production, env: ["PHONEAUTH_CREDENTIALS_FILE": path])
        #expect(config.jwtKeyID == "k2")
        #expect(config.jwtSecret == Array(strong.utf8))
        #expect(config.pepper == Array("pepper-from-the-credentials-file-0123456789".utf8))
        // The older name still works; a file others can read is refused in production.
        #expect(try resolve(production, env: ["PHONEAUTH_SMS_CREDENTIALS_FILE": path]).jwtKeyID == "k2")
        _ = chmod(path, 0o644)
        #expect(throws: (any Error).self) { try resolve(production, env: ["PHONEAUTH_CREDENTIALS_FILE": path]) }
    }

    @Test func limitsAndTestNumbersAreConfigurable() throws {
        let config = try resolve(
            [
                "--resend-cooldown", "30", "--max-sends-per-ip-hour", "7", "--deny-prefixes", "+1900,+1976", "--trusted-proxies", "10.0.0.1",
                "--test-numbers", "+13125550123:424242:2027-01-31",
            ],
            env: ["PHONEAUTH_SMS_BUDGET_DAY": "500"])
        #expect(config.limits.resendCooldown == .seconds(30))
        #expect(config.limits.perIPPerHour == 7)
        #expect(config.limits.globalPerDay == 500)
        #expect(config.limits.deniedPrefixes == ["+1900", "+1976"])
        #expect(config.limits.trustedProxies == ["10.0.0.1"])
        #expect(config.testNumbers.entries.first?.code == "424242")
        #expect(refusal(["--max-sends-per-phone-hour", "0"])?.contains("at least 1") == true)
        #expect(refusal(["--deny-prefixes", "1900"])?.contains("+ and digits") == true)
        #expect(refusal(["--test-numbers", "+13125550123:42:2027-01-31"])?.contains("6 digits") == true)
    }

    @Test func testNumbersAreRefusedInProductionUnlessAllowed() {
        let production = [
            "--environment", "production", "--jwt-secret", strong, "--pepper", strong, "--sms", "webhook",
            "--sms-webhook-url", "https://sms.example.com", "--sms-webhook-secret", "s", "--test-numbers", "+13125550123:424242:2027-01-31",
        ]
        #expect(refusal(production)?.contains("test numbers") == true)
        #expect(refusal(production + ["--allow-test-numbers-in-production"]) == nil)
    }
}
