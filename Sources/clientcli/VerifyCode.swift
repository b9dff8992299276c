import ArgumentParser
import ClientCore

struct VerifyCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-code", abstract: "Trade a texted code for an access token.")

    @OptionGroup var server: ServerOptions
    @Option(help: "The verification id send-code printed.") var verificationId: String?
    @Option(help: "Phone number the code was sent to (when the verification id is not at hand).") var phone: String?
    @Option(help: "The 6-digit code.") var code: String

    func validate() throws {
        guard (verificationId == nil) != (phone == nil) else { throw ValidationError("name exactly one of --verification-id, --phone") }
    }

    func run() async throws {
        do {
            let client = try server.client()
            let grant =
                if let verificationId {
                    try await client.verifyCode(verificationID: verificationId, code: code)
                } else {
                    try await client.verifyCode(phone: phone!, code: code)
                }
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
