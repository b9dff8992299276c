import ClientCore
import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import clientcli

/// ClientCore and clientcli meet a send-code challenge: solved without the caller noticing, with a progress line in
/// clientcli once solving takes more than a second.
@Suite struct ClientChallengeTests {
    @Test(arguments: Backend.all)
    func clientCoreSolvesAChallengeAndSendsAgainByItself(backend: Backend) async throws {
        let harness = try await ChallengeFlowTests.harness(backend)
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!, transport: transport)
            let sent = try await api.sendCode(phone: "+13125550100")
            #expect(transport.statuses("/auth/send-code") == [428, 202])
            let grant = try await api.verifyCode(verificationID: sent.verificationID, code: try #require(harness.sms.lastCode(to: "+13125550100")))
            #expect(grant.user.phoneNumber == "+13125550100")
            // ClientCore's solution is the server's reference one.
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM challenge_redemptions") == 1)
        }
    }

    @Test func clientcliSendsACodeThroughAChallenge() async throws {
        let harness = try await ChallengeFlowTests.harness(.sqlite)
        try await harness.test(.live) { client in
            let home = harness.folder.appendingPathComponent("home").path
            let server = ["--server", "http://127.0.0.1:\(client.port!)"]
            let sent = try await CLIRunner.run(["send-code", "--phone", "+13125550100"] + server, environment: ["PHONEAUTH_HOME": home])
            #expect(sent.status == 0, "\(sent.stderr)")
            #expect(sent.stdout.hasPrefix("code sent by SMS; valid for 300 s"))
            #expect(harness.sms.sent.count == 1)
        }
    }

    @Test func theProgressLineAppearsAfterASecondAndIsRedrawnOnATerminal() throws {
        func written(terminal: Bool, _ reports: [Duration], finish: Bool = true) throws -> String {
            let pipe = Pipe()
            let line = ChallengeProgressLine(output: pipe.fileHandleForWriting, terminal: terminal)
            for elapsed in reports { line.report(.init(difficulty: 18, attempts: 1_000, elapsed: elapsed)) }
            if finish { line.finish() }
            try pipe.fileHandleForWriting.close()
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(try written(terminal: false, [.milliseconds(250), .milliseconds(750)]) == "")
        #expect(
            try written(terminal: false, [.milliseconds(500), .milliseconds(1_200), .milliseconds(1_500)])
                == "solving a sign-in check (18 bits)… 1.2 s\n")
        #expect(
            try written(terminal: true, [.milliseconds(1_200), .milliseconds(1_500)])
                == "\rsolving a sign-in check (18 bits)… 1.2 s\rsolving a sign-in check (18 bits)… 1.5 s\n")
    }
}
