import Synchronization

/// A shared index the concurrent workers of a load take their next request from (an `Atomic` cannot be captured).
final class Counter: Sendable {
    let value = Atomic(0)
}
