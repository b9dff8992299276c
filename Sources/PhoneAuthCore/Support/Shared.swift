import Synchronization

/// A value that concurrent child tasks read and write (a `Mutex` alone cannot be captured by an escaping closure).
package final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    package init(_ value: Value) {
        self.value = Mutex(value)
    }

    package var current: Value { value.withLock { $0 } }

    package func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
    }
}
