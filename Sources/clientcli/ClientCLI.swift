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
        subcommands: [
            Login.self, Status.self, Me.self, ProfileCommand.self, AddressesCommand.self, SyncCommand.self, SessionsCommand.self,
            Logout.self, SendCode.self, VerifyCode.self, AccountCommand.self,
        ]
    )

    static func main() async {
        await main(GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst())))
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Server URL (env PHONEAUTH_SERVER, default http://127.0.0.1:8080).")
    var server: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func client() throws -> PhoneAuthClient {
        let text = server ?? ProcessInfo.processInfo.environment["PHONEAUTH_SERVER"] ?? "http://127.0.0.1:8080"
        guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("--server must be a URL, not \(text)") }
        return PhoneAuthClient(baseURL: url, userAgent: Self.userAgent)
    }

    /// How `sessions list` (and the operator console) name a session opened here.
    static let userAgent: String = {
        #if os(Linux)
            "clientcli (PhoneAuth ClientCore; Linux)"
        #elseif os(macOS)
            "clientcli (PhoneAuth ClientCore; macOS)"
        #else
            "clientcli (PhoneAuth ClientCore)"
        #endif
    }()

    /// The signed-in client, with credentials in `$PHONEAUTH_HOME/credentials.json` (see FileTokenStore).
    func session() throws -> PhoneAuthSession {
        PhoneAuthSession(client: try client(), store: FileTokenStore(folder: FileTokenStore.defaultFolder()))
    }

    /// The session plus the offline cache and edit queue, `cache.json` next to the credentials.
    func sync() throws -> ProfileSync {
        ProfileSync(session: try session(), store: FileProfileCacheStore(folder: FileTokenStore.defaultFolder()))
    }
}

/// Runs a command body, turning client and store errors into one line on stderr and the documented exit code.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as PhoneAuthClientError {
        throw fail(error)
    } catch let error as TokenStoreError {
        FileHandle.standardError.write(Data("clientcli: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// Prints one line on stderr and exits with the code for that kind of failure.
func fail(_ error: PhoneAuthClientError) -> ExitCode {
    FileHandle.standardError.write(Data("clientcli: \(error)\n".utf8))
    switch error {
    case .server, .challengeRequired: return ExitCode(1)
    case .notAuthenticated: return ExitCode(2)
    case .transport, .timeout: return ExitCode(3)
    case .unexpectedResponse: return ExitCode(4)
    }
}

/// One JSON document on stdout: snake_case keys as the server sends them, dates in ISO 8601, numbers as numbers.
func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try jsonEncoder.encode(value), as: UTF8.self))
}

let jsonEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
}()

/// Says on stderr that what follows came from the cache, and from when.
func noteIfCached<Value>(_ cached: Cached<Value>) {
    guard cached.isStale else { return }
    let when = cached.lastSync.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
    FileHandle.standardError.write(Data("clientcli: the server cannot be reached; showing cached data (last sync \(when))\n".utf8))
}

/// Says what happened to an edit: done now, or queued for the next sync.
func report<Value>(_ outcome: ChangeOutcome<Value>, json: Bool, done: (Value) throws -> Void) throws {
    switch outcome {
    case .applied(let value): try done(value)
    case .queued:
        if json { try printJSON(["status": "queued"]) } else { print("offline: queued; it will be sent on the next sync") }
    }
}
