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
        let config = try resolveOrExit(options)
        // Lines are written by a background thread, so a request never waits on stderr.
        LoggingSystem.bootstrap { [format = config.logFormat] label in BufferedLogHandler(label: label, format: format) }
        try await exitingOnStorageFailure(config.database) {
            let readiness = Readiness()
            let app = try await buildApplication(config, dependencies: .init(readiness: readiness))
            let logger = Logger(label: "phoneauth")
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

/// Configuration errors end the process with one line on stderr and exit code 2.
private func resolveOrExit(_ options: ServeOptions) throws -> AppConfig {
    do {
        return try options.resolve(log: { FileHandle.standardError.write(Data("phoneauth: \($0)\n".utf8)) })
    } catch let error as ConfigError {
        FileHandle.standardError.write(Data("phoneauth: configuration error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}
