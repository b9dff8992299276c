import Synchronization

/// Whether this process should get new traffic: false from the moment a shutdown starts, so `/health/ready` turns
/// 503 while requests in flight still finish.
package final class Readiness: Sendable {
    private let draining = Atomic(false)

    package init() {}

    package var isDraining: Bool { draining.load(ordering: .relaxed) }

    package func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }
}
