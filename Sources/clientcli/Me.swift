import ArgumentParser
import ClientCore
import Foundation

/// The signed-in user's profile, fresh from the server.
struct Me: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show your profile.")

    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingErrors {
            let cached = try await server.sync().profile()
            noteIfCached(cached)
            let user = cached.value
            if server.json {
                try printJSON(user)
                return
            }
            printTable([
                ("id", String(user.id)), ("phone", user.phoneNumber), ("name", user.fullName ?? "-"), ("market", user.market),
                ("language", user.language), ("country", user.country), ("verified", user.isVerified ? "yes" : "no"),
                ("last login", user.lastLogin.map { ISO8601DateFormatter().string(from: $0) } ?? "-"),
            ])
        }
    }
}
