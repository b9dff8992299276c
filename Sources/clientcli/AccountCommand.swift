import ArgumentParser
import ClientCore
import Foundation

/// The account as a whole: delete it (after a confirmation and a fresh code), or export everything stored about it.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Move the account to another number, delete it, or export everything stored about it.",
        subcommands: [ChangeNumber.self, Delete.self, Export.self])

    struct ChangeNumber: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change-number",
            abstract: "Move the account to another number: a code goes to the new number, then it is entered here.",
            discussion: """
                At a terminal it asks for the code. Otherwise it prints the verification id; confirm with \
                `clientcli account change-number --verification-id V --code CODE` (from the same signed-in session).
                """)
        @OptionGroup var server: ServerOptions
        @Option(help: "The new number, with country code.") var phone: String?
        @Option(help: "Send the code by this channel: sms, whatsapp, telegram or voice.") var channel: String?
        @Option(help: "The verification id of the code sent (second step, without a terminal).") var verificationId: String?
        @Option(help: "The 6-digit code sent to the new number.") var code: String?

        func validate() throws {
            guard (phone == nil) != (verificationId == nil) else {
                throw ValidationError("give --phone (to send a code) or --verification-id (to confirm)")
            }
            guard verificationId == nil || code != nil else { throw ValidationError("--verification-id needs --code") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try server.session()
                let prompt = Prompt()
                var verification = verificationId
                var typed = code
                if let phone {
                    let progress = ChallengeProgressLine()
                    let sent = try await session.changePhone(to: phone, channel: channel.map(Channel.init), onChallenge: progress.report)
                    progress.finish()
                    verification = sent.verificationID
                    guard prompt.isInteractive || typed != nil else {
                        if server.json {
                            try printJSON(["verification_id": sent.verificationID])
                        } else {
                            print(
                                "code sent to \(phone) by \(ChannelKeys.name(sent.channel)); "
                                    + "confirm with --verification-id \(sent.verificationID) --code CODE")
                        }
                        return
                    }
                    prompt.say("code sent to \(phone) by \(ChannelKeys.name(sent.channel)); valid for \(sent.expiresIn) s")
                    if typed == nil { typed = try prompt.ask("Code: ") }
                }
                let profile = try await session.confirmPhoneChange(verificationID: verification ?? "", code: typed ?? "")
                if server.json { try printJSON(profile) } else { print("the account's number is now \(profile.phoneNumber)") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the account: every session ends and the profile and addresses are erased.",
            discussion: """
                At a terminal it asks for confirmation and, unless this session signed in within the last few minutes, \
                sends a code to the account's number and asks for it (the server wants a fresh sign-in). Without a terminal, \
                pass --yes, and sign in with `clientcli login` just before.
                """)
        @OptionGroup var server: ServerOptions
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            try await reportingErrors {
                let session = try server.session()
                let prompt = Prompt()
                let profile = try await session.profile()
                if !yes {
                    guard prompt.isInteractive else { throw ValidationError("pass --yes to delete the account without a terminal") }
                    let answer = try prompt.ask("Delete the account of \(profile.phoneNumber) for good? Type delete to confirm: ")
                    guard answer.lowercased() == "delete" else {
                        prompt.say("not deleted")
                        throw ExitCode(1)
                    }
                }
                do {
                    try await session.deleteAccount()
                } catch let error as PhoneAuthClientError where error.code == "step_up_required" && prompt.isInteractive {
                    // A fresh sign-in with a code to the account's own number, then the deletion.
                    let sent = try await session.client.sendCode(phone: profile.phoneNumber)
                    prompt.say("to confirm it is you, a code was sent to \(profile.phoneNumber) by \(ChannelKeys.name(sent.channel))")
                    let code = try prompt.ask("Code: ")
                    _ = try await session.signIn(verificationID: sent.verificationID, code: code)
                    try await session.deleteAccount()
                }
                if server.json {
                    try printJSON(["deleted": true])
                } else {
                    print("account deleted; signing in with \(profile.phoneNumber) later makes a new account")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything the server stores about the account, as JSON: to standard output, or to a file only you can read.")
        @OptionGroup var server: ServerOptions
        @Option(help: "Write the document to this file (mode 0600) instead of standard output.") var output: String?

        func run() async throws {
            try await reportingErrors {
                let document = try await server.session().exportData()
                guard let output else {
                    FileHandle.standardOutput.write(document)
                    FileHandle.standardOutput.write(Data("\n".utf8))
                    return
                }
                guard FileManager.default.createFile(atPath: output, contents: document, attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError("cannot write \(output)")
                }
                if !server.json { print("wrote \(document.count) bytes to \(output)") }
            }
        }
    }
}
