import ArgumentParser
import ClientCore

/// Ends sessions on the server and forgets the tokens here.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log out: global (every device), local (this one) or others.")

    @OptionGroup var server: ServerOptions
    @Option(help: "global, local or others.") var scope = "global"

    func validate() throws {
        guard ["global", "local", "others"].contains(scope) else { throw ValidationError("--scope must be global, local or others") }
    }

    func run() async throws {
        try await reportingErrors {
            try await server.session().logout(scope: scope)
            if !server.json { print(scope == "others" ? "other sessions ended" : "logged out") }
        }
    }
}
