import ArgumentParser
import ClientCore

struct VerifyCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-code", abstract: "Trade a texted code for tokens, kept like login's; prints the access token.")

    @OptionGroup var server: ServerOptions
    @Option(help: "The verification id send-code printed.") var verificationId: String?
    @Option(help: "Phone number the code was sent to (when the verification id is not at hand).") var phone: String?
    @Option(help: "The 6-digit code.") var code: String

    func validate() throws {
        guard (verificationId == nil) != (phone == nil) else { throw ValidationError("name exactly one of --verification-id, --phone") }
    }

    func run() async throws {
        do {
            let session = try server.session()
            let grant =
                if let verificationId {
                    try await session.client.verifyCode(verificationID: verificationId, code: code)
                } else {
                    try await session.client.verifyCode(phone: phone!, code: code)
                }
            // Kept like login's, so `status`, `me` and the rest go on from here.
            try await session.signIn(with: grant)
            if server.json {
                try printJSON(grant)
            } else {
                print("signed in as user \(grant.user.id) (market \(grant.user.market)); token valid for \(grant.expiresIn) s, session saved")
                print(grant.accessToken)
            }
        } catch let error as PhoneAuthClientError {
            throw fail(error)
        }
    }
}
