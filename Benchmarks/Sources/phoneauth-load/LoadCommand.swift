import ArgumentParser

/// `phoneauth-load sink|logins|fixed-rate|solving-bot`: the loads `make bench` needs that wrk cannot make. Every load ends by itself
/// and prints one JSON object on stdout.
@main
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phoneauth-load",
        abstract: "Loopback load generator for PhoneAuth benchmarks.",
        subcommands: [SinkCommand.self, LoginsCommand.self, FixedRateCommand.self, SolvingBotCommand.self]
    )
}
