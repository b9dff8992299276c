import Synchronization

/// Whether this process should get new traffic: false from the moment a shutdown starts, so `/health/ready` turns
/// 503 while requests in flight still finish.
final class Readiness: Sendable {
    private let draining = Atomic(false)

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }
}
