import ArgumentParser
import ClientCore
import Foundation

/// Signs in: texts a code, then trades it for tokens kept in the credentials file.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with a texted code. Asks for what is missing; reads the code from standard input when it is not a terminal.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number with country code, e.g. +13125550100.") var phone: String?
    @Option(help: "The 6-digit code, when it is already known.") var code: String?

    func run() async throws {
        try await reportingErrors {
            let session = try server.session()
            let phone = try self.phone ?? Self.ask("Phone number (with country code): ")
            var verificationID: String?
            if code == nil {
                let progress = ChallengeProgressLine()
                defer { progress.finish() }
                let sent = try await session.client.sendCode(phone: phone, onChallenge: progress.report)
                verificationID = sent.verificationID
                if !server.json { FileHandle.standardError.write(Data("code sent; valid for \(sent.expiresIn) s\n".utf8)) }
            }
            let code = try self.code ?? Self.ask("Code: ")
            // The send this command made is verified by its id; a code given up front (sent earlier) by phone.
            let user =
                if let verificationID {
                    try await session.signIn(verificationID: verificationID, code: code)
                } else {
                    try await session.signIn(phone: phone, code: code)
                }
            if server.json {
                try printJSON(user)
            } else {
                print("signed in as user \(user.id) (\(user.phoneNumber), market \(user.market)) on \(session.client.baseURL.absoluteString)")
            }
        }
    }

    /// A prompt on a terminal; from a pipe, just the next line.
    static func ask(_ prompt: String) throws -> String {
        if isatty(STDIN_FILENO) != 0 { FileHandle.standardError.write(Data(prompt.utf8)) }
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            throw ValidationError("no input for \(prompt.trimmingCharacters(in: .whitespaces))")
        }
        return line
    }
}
