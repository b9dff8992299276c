import ArgumentParser
import Foundation
import NIOSSL
import PhoneAuthCore

/// How the server is run: where metrics are served, how it shuts down, and TLS for deployments without a proxy.
struct OperationsOptions: ParsableArguments {
    @Option(help: "Serve /metrics on this port (PHONEAUTH_METRICS_PORT; default: nowhere).")
    var metricsPort: Int?
    @Flag(help: "Serve /metrics on the main port too, to anyone who reaches it (PHONEAUTH_METRICS_ON_MAIN_PORT=true).")
    var metricsOnMainPort = false
    @Option(help: "Hours a console sign-in lasts without a page (PHONEAUTH_CONSOLE_IDLE_HOURS, default 12).") var consoleIdleHours: Double?
    @Option(help: "Days a console sign-in lasts at most (PHONEAUTH_CONSOLE_SESSION_DAYS, default 7).") var consoleSessionDays: Double?
    @Option(help: "Seconds /health/ready answers 503 before the listener closes on SIGTERM (PHONEAUTH_SHUTDOWN_DELAY, default 0).")
    var shutdownDelay: Double?
    @Option(help: "Seconds requests in flight get to finish on SIGTERM (PHONEAUTH_DRAIN_TIMEOUT, default 30).") var drainTimeout: Double?
    @Option(help: "PEM certificate chain: serve HTTPS (PHONEAUTH_TLS_CERTIFICATE; with --tls-key).") var tlsCertificate: String?
    @Option(help: "PEM private key of --tls-certificate (PHONEAUTH_TLS_KEY).") var tlsKey: String?

    func apply(to config: inout AppConfig, source: SettingSource, log: (String) -> Void) throws {
        if let port: Int = try source.number(metricsPort, "PHONEAUTH_METRICS_PORT") {
            guard (1...65_535).contains(port) else { throw ConfigError("the metrics port must be 1 to 65535") }
            config.metricsPort = port
        }
        config.metricsOnMainPort = metricsOnMainPort || source.value(nil, "PHONEAUTH_METRICS_ON_MAIN_PORT") == "true"
        if let hours: Double = try source.number(consoleIdleHours, "PHONEAUTH_CONSOLE_IDLE_HOURS") {
            guard hours > 0, hours <= 24 * 90 else { throw ConfigError("--console-idle-hours must be more than 0 and at most 2160") }
            config.console.idle = .milliseconds(Int64(hours * 3_600_000))
        }
        if let days: Double = try source.number(consoleSessionDays, "PHONEAUTH_CONSOLE_SESSION_DAYS") {
            guard days > 0, days <= 90 else { throw ConfigError("--console-session-days must be more than 0 and at most 90") }
            config.console.absolute = .milliseconds(Int64(days * 86_400_000))
        }
        config.shutdownDelay = try source.seconds(shutdownDelay, "PHONEAUTH_SHUTDOWN_DELAY", range: 0...300) ?? config.shutdownDelay
        config.drainTimeout = try source.seconds(drainTimeout, "PHONEAUTH_DRAIN_TIMEOUT", range: 0.1...3600) ?? config.drainTimeout
        switch (source.value(tlsCertificate, "PHONEAUTH_TLS_CERTIFICATE"), source.value(tlsKey, "PHONEAUTH_TLS_KEY")) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            try SecretFilePolicy.enforce(key, mode: config.mode, log: log)
            config.tls = try TLSFiles(certificatePath: certificate, keyPath: key)
        default:
            throw ConfigError("--tls-certificate and --tls-key go together")
        }
    }
}

/// A certificate chain and its key, read and parsed at start so a bad file stops the server before it listens.
struct TLSFiles: Sendable {
    var chain: [NIOSSLCertificate]
    var key: NIOSSLPrivateKey

    init(certificatePath: String, keyPath: String) throws {
        guard let chain = try? NIOSSLCertificate.fromPEMFile(certificatePath), !chain.isEmpty else {
            throw ConfigError("cannot read a PEM certificate chain from \(certificatePath)")
        }
        guard let key = try? NIOSSLPrivateKey(file: keyPath, format: .pem) else {
            throw ConfigError("cannot read a PEM private key from \(keyPath)")
        }
        self.chain = chain
        self.key = key
    }

    /// TLS 1.2 and later (NIOSSL's default minimum), offering HTTP/1.1.
    var serverConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}
