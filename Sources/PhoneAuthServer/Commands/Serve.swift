import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PhoneAuthCore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (default).")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let (config, notes) = try resolveOrExit(options)
        // Lines are written by a background thread, so a request never waits on stderr.
        LoggingSystem.bootstrap { [format = config.logFormat] label in BufferedLogHandler(label: label, format: format) }
        let logger = Logger(label: "phoneauth")
        // What resolving said (a development secret generated) comes out in the chosen format, like every later line.
        for note in notes { logger.notice("\(note)") }
        try await exitingOnStorageFailure(config.database) {
            let readiness = Readiness()
            let app = try await buildApplication(config, dependencies: .init(readiness: readiness))
            // SIGTERM or SIGINT: the gate turns /health/ready to 503 for the shutdown delay, then the server stops
            // accepting and drains, then the database closes; past the drain time the gate ends the process.
            let gate = ShutdownGate(readiness: readiness, delay: config.shutdownDelay, drainTimeout: config.drainTimeout, logger: logger)
            let group = ServiceGroupConfiguration(
                services: [.init(service: app), .init(service: gate)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await ServiceGroup(configuration: group).run()
            logger.notice("stopped")
        }
    }
}

/// The configuration and what resolving it had to say. Configuration errors end the process with one plain line on
/// stderr (the log format may be what is wrong) and exit code 2.
private func resolveOrExit(_ options: ServeOptions) throws -> (AppConfig, [String]) {
    var notes: [String] = []
    do {
        let config = try options.resolve(log: { notes.append($0) })
        return (config, notes)
    } catch let error as ConfigError {
        FileHandle.standardError.write(Data("phoneauth: configuration error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}
