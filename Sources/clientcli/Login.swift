import ArgumentParser
import ClientCore
import Foundation

/// Signs in: texts a code, then trades it for tokens kept in the credentials file. At a terminal it forgives what
/// people get wrong: a mistyped code is asked for again (a malformed one without a round trip), and while the resend
/// cooldown runs it says how long and takes the code already received.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with a texted code. Asks for what is missing; reads the code from standard input when it is not a terminal.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number with country code, e.g. +13125550100.") var phone: String?
    @Option(help: "The 6-digit code, when it is already known.") var code: String?

    func run() async throws {
        try await reportingErrors {
            let session = try server.session()
            let prompt = Prompt()
            let phone = try self.phone ?? prompt.ask("Phone number (with country code): ")
            var verificationID: String?
            if code == nil {
                do {
                    let progress = ChallengeProgressLine()
                    defer { progress.finish() }
                    let sent = try await session.client.sendCode(phone: phone, onChallenge: progress.report)
                    verificationID = sent.verificationID
                    if !server.json { prompt.say("code sent; valid for \(sent.expiresIn) s") }
                } catch let error as PhoneAuthClientError where error.errorCode == .resendTooSoon && prompt.isInteractive {
                    let wait = error.retryAfter.map { " in \($0) s" } ?? " shortly"
                    prompt.say("a code was sent to this number moments ago; a new one can be sent\(wait). Type the code you received:")
                }
            }
            let user = try await signIn(session, phone: phone, verificationID: verificationID, prompt: prompt)
            if server.json {
                try printJSON(user)
            } else {
                print("signed in as user \(user.id) (\(user.phoneNumber), market \(user.market)) on \(session.client.baseURL.absoluteString)")
            }
        }
    }

    /// Asks for the code until one works, the tries run out, or (not at a terminal) the first answer fails.
    private func signIn(_ session: PhoneAuthSession, phone: String, verificationID: String?, prompt: Prompt) async throws -> UserProfile {
        var given = code
        while true {
            let typed = try given ?? prompt.ask("Code: ")
            given = nil
            let code = typed.filter { $0 != " " && $0 != "-" }
            if prompt.isInteractive, !(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber }) {
                prompt.say("a code is 6 digits; try again")
                continue
            }
            do {
                // The send this command made is verified by its id; a code sent earlier by phone.
                if let verificationID { return try await session.signIn(verificationID: verificationID, code: code) }
                return try await session.signIn(phone: phone, code: code)
            } catch let error as PhoneAuthClientError where error.errorCode == .invalidCode && prompt.isInteractive {
                switch error.attemptsRemaining {
                case 0?: throw error
                case let left?: prompt.say("wrong code; \(left) \(left == 1 ? "try" : "tries") left")
                // By phone (the code of an earlier send) the server keeps the count to itself and says when it ran out.
                case nil: prompt.say("wrong code; try again")
                }
            }
        }
    }
}

/// Questions on stderr at a terminal; from a pipe, just the next line, without the chatter.
struct Prompt {
    let isInteractive = isatty(STDIN_FILENO) != 0

    func ask(_ question: String) throws -> String {
        if isInteractive { FileHandle.standardError.write(Data(question.utf8)) }
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            // Input ended (Ctrl-D, an empty pipe): one line and the usage exit code, not the whole usage text.
            say("\(isInteractive ? "\n" : "")clientcli: no answer to \"\(question.trimmingCharacters(in: .whitespaces))\"")
            throw ExitCode(64)
        }
        return line
    }

    func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
