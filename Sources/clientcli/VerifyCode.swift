import ArgumentParser
import ClientCore

struct VerifyCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-code", abstract: "Trade a texted code for an access token.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number the code was sent to.") var phone: String
    @Option(help: "The 6-digit code.") var code: String

    func run() async throws {
        do {
            let grant = try await server.client().verifyCode(phone: phone, code: code)
            if server.json {
                try printJSON(grant)
            } else {
                print("signed in as user \(grant.user.id) (market \(grant.user.market)); token valid for \(grant.expiresIn) s")
                print(grant.accessToken)
            }
        } catch let error as PhoneAuthClientError {
            throw fail(error)
        }
    }
}
