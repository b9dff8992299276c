import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// clientcli as people type it and scripts read it: prompts on a real pseudo-terminal, global options on either side
/// of the subcommand, `--json` with the server's types, `$HOME`, and exit 4 for answers it does not understand.
@Suite final class ClientCLIUsabilityTests: Sendable {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-cli-\(UUID().uuidString)").path
    static let phone = "+996555123456"

    deinit {
        try? FileManager.default.removeItem(atPath: home)
    }

    private var environment: [String: String] { ["PHONEAUTH_HOME": home] }

    private func cli(_ arguments: [String], server: String) async throws -> CLIRunner.Result {
        try await CLIRunner.run(arguments + ["--server", server], environment: environment)
    }

    private func login(_ harness: TestHarness, server: String) async throws {
        let sent = try await cli(["send-code", "--phone", Self.phone], server: server)
        #expect(sent.status == 0)
        let code = try #require(harness.sms.lastCode(to: Self.phone))
        #expect(try await cli(["login", "--phone", Self.phone, "--code", code], server: server).status == 0)
    }

    @Test func aTypoAndThenTheRightCodeSignsIn() async throws {
        let harness = try TestHarness { $0.limits.resendCooldown = .seconds(60) }
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let terminal = try PseudoTerminal(["login", "--server", "http://127.0.0.1:\(client.port!)"], environment: environment)
            try await terminal.waitFor("Phone number (with country code): ")
            terminal.type("+996 555 123 456")
            try await terminal.waitFor("Code: ")
            let code = try #require(harness.sms.lastCode(to: Self.phone))
            terminal.type(String(code.dropLast()))  // five digits
            try await terminal.waitFor("a code is 6 digits; try again")
            terminal.type(code)
            #expect(await terminal.exitStatus() == 0, "\(terminal.transcript)")
            #expect(terminal.transcript.contains("signed in as user 1 (+996555123456, market kg)"))
            #expect(harness.sms.sent.count == 1)  // the typo cost no second text
        }
    }

    /// No code by the market's first channel: login offers the others by a key, says how long one must still wait,
    /// and signs in with the code the next channel brought.
    @Test func whenNoCodeComesLoginOffersTheOtherChannels() async throws {
        let harness = try TestHarness { config in
            config.limits.resendCooldown = .seconds(60)
            config.channels = ChannelPlan(["kg": [.telegram, .whatsapp, .sms]])
            config.deliveryTimeout = .seconds(20)
        }
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let terminal = try PseudoTerminal(["login", "--server", server, "--phone", Self.phone], environment: environment)
            try await terminal.waitFor("code sent by Telegram; valid for 300 s")
            try await terminal.waitFor("no code? [w] WhatsApp, [s] SMS")
            try await terminal.waitFor("Code: ")
            terminal.type("w")
            try await terminal.waitFor("WhatsApp can be asked for in ")
            try await terminal.waitFor("no code? [w] WhatsApp, [s] SMS", occurrence: 2)
            // The delivery time left (20 s; 21 when the stored send time rounds up), not the minute of the cooldown.
            #expect(terminal.transcript.contains("in 20 s") || terminal.transcript.contains("in 21 s"), "\(terminal.transcript)")
            harness.clock.advance(by: 21)
            try await terminal.waitFor("Code: ", occurrence: 2)
            terminal.type("w")
            try await terminal.waitFor("code sent by WhatsApp; valid for 300 s")
            try await terminal.waitFor("Code: ", occurrence: 3)
            let whatsapp = try #require(harness.sms.sent.last { $0.channel == .whatsapp })
            terminal.type(whatsapp.code)
            #expect(await terminal.exitStatus() == 0, "\(terminal.transcript)")
            #expect(terminal.transcript.contains("signed in as user 1"))
            // send-code names a channel and lists the others.
            let sent = try await cli(["send-code", "--phone", "+996555123499", "--channel", "sms"], server: server)
            #expect(sent.stdout.contains("code sent by SMS; valid for 300 s"), "\(sent.stdout)\(sent.stderr)")
            #expect(sent.stdout.contains("also by Telegram in 20 s (--channel telegram)"), "\(sent.stdout)")
        }
        #expect(harness.sms.sent.map(\.channel) == [.telegram, .whatsapp, .sms])
    }

    @Test func threeWrongCodesThenTheRightOneSignsIn() async throws {
        let harness = try TestHarness { $0.limits.resendCooldown = .seconds(60) }
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let terminal = try PseudoTerminal(
                ["login", "--server", "http://127.0.0.1:\(client.port!)", "--phone", Self.phone], environment: environment)
            try await terminal.waitFor("Code: ")
            let code = try #require(harness.sms.lastCode(to: Self.phone))
            let wrong = code == "000000" ? "111111" : "000000"
            for (attempt, left) in [(1, 4), (2, 3), (3, 2)] {
                terminal.type(wrong)
                try await terminal.waitFor("wrong code; \(left) tries left")
                try await terminal.waitFor("Code: ", occurrence: attempt + 1)
            }
            terminal.type(code)
            #expect(await terminal.exitStatus() == 0, "\(terminal.transcript)")
            #expect(terminal.transcript.contains("signed in as user 1"))
        }
    }

    @Test func duringTheCooldownItSaysHowLongAndTakesTheCodeAlreadyReceivedAfterAWrongOne() async throws {
        let harness = try TestHarness { $0.limits.resendCooldown = .seconds(60) }
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let code = try await harness.sendCode(client, phone: Self.phone).code
            let terminal = try PseudoTerminal(["login", "--server", server, "--phone", Self.phone], environment: environment)
            try await terminal.waitFor("a code was sent to this number moments ago; a new one can be sent in ")
            try await terminal.waitFor(" s. Type the code you received:")
            // The wait is the server's Retry-After: a minute, rounded up.
            #expect(terminal.transcript.contains("sent in 60 s") || terminal.transcript.contains("sent in 61 s"), "\(terminal.transcript)")
            try await terminal.waitFor("Code: ")
            // A wrong code first: asked again, as on the verification-id path.
            terminal.type(code == "000000" ? "111111" : "000000")
            try await terminal.waitFor("wrong code; try again")
            try await terminal.waitFor("Code: ", occurrence: 2)
            terminal.type(code)
            #expect(await terminal.exitStatus() == 0, "\(terminal.transcript)")
            #expect(harness.sms.sent.count == 1)
        }
    }

    @Test func fromAPipeARefusalSaysHowLongToWaitAndHowManyTriesAreLeft() async throws {
        let harness = try TestHarness { $0.limits.resendCooldown = .seconds(60) }
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let (id, code) = try await harness.sendCode(client, phone: Self.phone)
            let again = try await CLIRunner.run(["login", "--phone", Self.phone, "--server", server], environment: environment, input: "\(code)\n")
            #expect(again.status == 1)
            let refused = "clientcli: server refused (429 resend_too_soon): \(AppError.resendTooSoon.message)"
            #expect(again.stderr == refused + " (try again in 60 s)\n" || again.stderr == refused + " (try again in 61 s)\n", "\(again.stderr)")
            let wrong = try await cli(["verify-code", "--verification-id", id, "--code", code == "000000" ? "111111" : "000000"], server: server)
            #expect(wrong.status == 1)
            #expect(wrong.stderr.hasPrefix("clientcli: server refused (400 invalid_code): "))
            #expect(wrong.stderr.hasSuffix(" (4 tries left)\n"), "\(wrong.stderr)")
            #expect(harness.sms.sent.count == 1)
        }
    }

    @Test func serverAndJSONWorkBeforeOrAfterTheSubcommand() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            try await login(harness, server: server)
            for arguments in [["--server", server, "status"], ["status", "--server", server], ["--server=\(server)", "status"]] {
                let run = try await CLIRunner.run(arguments, environment: environment)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                #expect(run.stdout.contains("kg"))
            }
            let json = try await CLIRunner.run(["--json", "--server", server, "addresses", "list"], environment: environment)
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stdout.hasPrefix("["))
        }
    }

    @Test func everyJSONOutputUsesTheServersTypes() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            try await login(harness, server: server)
            func object(_ arguments: [String]) async throws -> [String: Any] {
                let run = try await cli(arguments + ["--json"], server: server)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(arguments)")
            }
            func isISO8601(_ value: Any?) -> Bool {
                guard let text = value as? String else { return false }
                return (try? Date(text, strategy: .iso8601)) != nil
            }
            /// Every `…_at` is an ISO 8601 string and every id a number, however deep.
            func typesAreTheServers(_ value: Any, _ label: String) {
                if let object = value as? [String: Any] {
                    for (key, field) in object {
                        if key.hasSuffix("_at") { #expect(isISO8601(field), "\(label): \(key) = \(field)") }
                        // Users and addresses are numbered; sessions and verifications are named by opaque strings.
                        if key == "user_id" || (key == "id" && label != "sessions list") { #expect(field is Int, "\(label): \(key) = \(field)") }
                        typesAreTheServers(field, label)
                    }
                } else if let array = value as? [Any] {
                    for element in array { typesAreTheServers(element, label) }
                }
            }
            let status = try await object(["status"])
            #expect(status["user_id"] as? Int == 1)
            #expect(isISO8601(status["access_expires_at"]) && isISO8601(status["refresh_expires_at"]))
            typesAreTheServers(status, "status")
            let me = try await object(["me"])
            #expect(me["id"] as? Int == 1)
            #expect(isISO8601(me["created_at"]) && isISO8601(me["updated_at"]) && isISO8601(me["last_login"]), "\(me)")
            typesAreTheServers(me, "me")
            let added = try await object(["addresses", "add", "--line1", "Chui Ave 120", "--city", "Bishkek", "--postal-code", "720040"])
            typesAreTheServers(added, "addresses add")
            // The server's keys exactly, nulls and dates included: PhoneAuthAPI's Address on both sides.
            let addresses = try await cli(["addresses", "list", "--json"], server: server)
            let first = try #require((try JSONSerialization.jsonObject(with: Data(addresses.stdout.utf8)) as? [[String: Any]])?.first)
            #expect(
                Set(first.keys) == [
                    "id", "label", "line1", "line2", "city", "region", "postal_code", "country", "created_at", "updated_at", "etag",
                ], "\(first)")
            #expect(first["label"] is NSNull && first["region"] is NSNull)
            for arguments in [["addresses", "list"], ["sessions", "list"]] {
                let run = try await cli(arguments + ["--json"], server: server)
                let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(arguments)")
                #expect(!list.isEmpty)
                typesAreTheServers(list, arguments.joined(separator: " "))
            }
            let sessions = try await cli(["sessions", "list", "--json"], server: server)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(sessions.stdout.utf8)) as? [[String: Any]])
            #expect(list.allSatisfy { isISO8601($0["created_at"]) && isISO8601($0["last_activity_at"]) }, "\(list)")
            let sent = try await object(["send-code", "--phone", "+13125550177"])
            #expect(sent["expires_in"] is Int && sent["verification_id"] is String)
        }
    }

    @Test func withoutXDGConfigHomeTheCredentialsGoUnderHome() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            _ = try await harness.sendCode(client, phone: Self.phone)
            let code = try #require(harness.sms.lastCode(to: Self.phone))
            let run = try await CLIRunner.run(
                ["login", "--server", server, "--phone", Self.phone, "--code", code],
                environment: ["HOME": home, "PHONEAUTH_HOME": "", "XDG_CONFIG_HOME": ""])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: home + "/.config/phoneauth/credentials.json"))
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsAreGeneratedForEachShell(shell: String) async throws {
        let run = try await CLIRunner.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        #expect(run.stdout.contains("clientcli") && run.stdout.contains("login") && run.stdout.contains("server"))
    }

    @Test func theServersHelpListsEveryLogLevelItAccepts() async throws {
        let help = try await CLIRunner.run(["serve", "--help"], binary: "PhoneAuthServer")
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains("trace, debug, info, notice, warning, error or critical"), "\(help.stdout)")
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            let run = try await CLIRunner.run(["serve", "--log-level", level, "--port", "99999"], binary: "PhoneAuthServer")
            #expect(!run.stderr.contains("unknown log level"), "\(level): \(run.stderr)")
        }
    }

    @Test func anErrorAnswerThatIsNotJSONExitsWith4() async throws {
        let router = Router()
        router.post("auth/send-code") { _, _ in
            Response(
                status: .badGateway, headers: [.contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        }
        let proxy = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await proxy.test(.live) { client in
            let run = try await cli(["send-code", "--phone", Self.phone], server: "http://127.0.0.1:\(client.port!)")
            #expect(run.status == 4)
            #expect(run.stderr.contains("unexpected response: HTTP 502 without a PhoneAuth error body"))
        }
    }
}
