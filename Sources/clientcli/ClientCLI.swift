import ArgumentParser
import ClientCore
import Foundation

/// Exit codes: 0 success, 1 the server refused, 2 not logged in, 3 cannot reach the server (offline, timeout),
/// 4 an answer this client does not understand, 64 bad usage.
@main
struct ClientCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clientcli",
        abstract: "Terminal client for a PhoneAuth server.",
        subcommands: [SendCode.self, VerifyCode.self]
    )
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Server URL (env PHONEAUTH_SERVER, default http://127.0.0.1:8080).")
    var server: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func client() throws -> PhoneAuthClient {
        let text = server ?? ProcessInfo.processInfo.environment["PHONEAUTH_SERVER"] ?? "http://127.0.0.1:8080"
        guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("--server must be a URL, not \(text)") }
        return PhoneAuthClient(baseURL: url)
    }
}

/// Prints one line on stderr and exits with the code for that kind of failure.
func fail(_ error: PhoneAuthClientError) -> ExitCode {
    FileHandle.standardError.write(Data("clientcli: \(error)\n".utf8))
    switch error {
    case .server: return ExitCode(1)
    case .notAuthenticated: return ExitCode(2)
    case .transport, .timeout: return ExitCode(3)
    case .unexpectedResponse: return ExitCode(4)
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
