/// A value that concurrent child tasks read and write, by whole value (`Locked` when a change reads the value first).
package final class Shared<Value: Sendable>: Sendable {
    private let value: Locked<Value>

    package init(_ value: Value) {
        self.value = Locked(value)
    }

    package var current: Value { value.withLock { $0 } }

    package func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
    }
}
