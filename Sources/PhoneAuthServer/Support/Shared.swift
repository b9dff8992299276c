import Synchronization

/// A value that concurrent child tasks read and write (a `Mutex` alone cannot be captured by an escaping closure).
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    var current: Value { value.withLock { $0 } }

    func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
    }
}
