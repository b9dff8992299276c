import Foundation
import Logging
import ServiceLifecycle

/// The first service to hear of a graceful shutdown (it runs after the application in the outer service group, and a
/// group stops its services last to first): it marks the process as draining, keeps the listener open for `delay`
/// so load balancers see `/health/ready` fail and stop sending, and then lets the server close its listener and drain.
/// A request that outlives `drainTimeout` (a stuck provider call cannot be cancelled) does not hold the process: it
/// exits with code 1 then, its logs flushed.
package struct ShutdownGate: Service {
    package let readiness: Readiness
    package let delay: Duration
    package let drainTimeout: Duration
    package let logger: Logger

    package init(readiness: Readiness, delay: Duration, drainTimeout: Duration, logger: Logger) {
        self.readiness = readiness
        self.delay = delay
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    package func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled without a graceful shutdown: nothing to drain
        }
        readiness.beginDraining()
        logger.notice("shutting down: not ready; draining", metadata: ["delay_ms": "\(Int(delay / .milliseconds(1)))"])
        let deadline = delay + drainTimeout
        let logger = self.logger
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(deadline / .milliseconds(1)))) {
            logger.error("shutdown: requests still running after the drain time; exiting")
            exit(1)
        }
        // Cancellation (a second signal) ends the wait early.
        try? await Task.sleep(for: delay)
    }
}
