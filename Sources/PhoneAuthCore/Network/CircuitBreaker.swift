import Foundation

/// Keeps a slow or failing operator from slowing sign-in: after `threshold` failures in a row the circuit opens and
/// calls fail at once for `cooldown`; then one trial call goes through (half-open), and its success closes the circuit.
package final class CircuitBreaker: Sendable {
    package let threshold: Int
    package let cooldown: Duration
    private let state = Locked(State())

    private struct State {
        var failures = 0
        var openUntil: ContinuousClock.Instant?
        var trialRunning = false
    }

    package init(threshold: Int = 5, cooldown: Duration = .seconds(30)) {
        (self.threshold, self.cooldown) = (threshold, cooldown)
    }

    /// Runs `call` unless the circuit is open; a failure counts toward opening it.
    package func run<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        try admit()
        do {
            let value = try await call()
            state.withLock { $0 = State() }
            return value
        } catch let error as NetworkCheckError {
            // The operator answering "no" to this request is an answer, not an outage.
            if case .unavailable = error { recordFailure() } else { state.withLock { $0.trialRunning = false } }
            throw error
        } catch {
            recordFailure()
            throw error
        }
    }

    /// Whether calls fail at once now.
    package var isOpen: Bool {
        state.withLock { state in state.openUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    private func admit() throws {
        try state.withLock { state in
            guard let until = state.openUntil else { return }
            if ContinuousClock.now < until { throw NetworkCheckError.unavailable("circuit open") }
            // Half-open: one trial at a time.
            if state.trialRunning { throw NetworkCheckError.unavailable("circuit open") }
            state.trialRunning = true
        }
    }

    private func recordFailure() {
        state.withLock { state in
            state.failures += 1
            state.trialRunning = false
            if state.failures >= threshold { state.openUntil = ContinuousClock.now + cooldown }
        }
    }
}
