import ArgumentParser
import ClientCore
import Foundation

/// `clientcli profile set --name … --language …`.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Change your profile.", subcommands: [Set.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set profile fields.")
        @OptionGroup var server: ServerOptions
        @Option(help: "Full name.") var name: String?
        @Option(help: "Profile image URL (https).") var imageUrl: String?
        @Option(help: "Language: en, ru, ky.") var language: String?

        func validate() throws {
            guard name != nil || imageUrl != nil || language != nil else {
                throw ValidationError("give at least one of --name, --image-url, --language")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let outcome = try await server.sync().updateProfile(ProfileUpdate(fullName: name, profileImageURL: imageUrl, language: language))
                try report(outcome, json: server.json) { user in
                    if server.json { try printJSON(user) } else { print("profile updated: \(user.fullName ?? "-"), language \(user.language)") }
                }
            }
        }
    }
}
