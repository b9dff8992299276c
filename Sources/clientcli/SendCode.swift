import ArgumentParser
import ClientCore
import Foundation

struct SendCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "send-code", abstract: "Text a sign-in code to a phone.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number with country code, e.g. +13125550100.") var phone: String

    func run() async throws {
        do {
            let progress = ChallengeProgressLine()
            defer { progress.finish() }
            let sent = try await server.client().sendCode(phone: phone, onChallenge: progress.report)
            if server.json {
                try printJSON(sent)
            } else {
                print("code sent; valid for \(sent.expiresIn) s")
                print("verification id: \(sent.verificationID)")
            }
        } catch let error as PhoneAuthClientError {
            throw fail(error)
        }
    }
}
