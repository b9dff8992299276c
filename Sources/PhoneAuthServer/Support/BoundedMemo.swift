import Synchronization

/// A bounded map for memoizing pure work on the request path: two generations of at most `capacity / 2` entries each;
/// a hit in the older one moves to the newer, and when the newer fills, the older is dropped (an approximate LRU at
/// O(1) per call, one short lock).
final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
        var hits = 0
    }

    private let generations = Mutex(Generations())
    private let half: Int

    init(capacity: Int) {
        half = max(1, capacity / 2)
    }

    func value(for key: Key) -> Value? {
        generations.withLock { state in
            if let value = state.current[key] {
                state.hits += 1
                return value
            }
            guard let value = state.previous.removeValue(forKey: key) else { return nil }
            state.hits += 1
            Self.insert(value, for: key, into: &state, half: half)
            return value
        }
    }

    /// The remembered value, or `make`'s, kept for next time.
    func value(for key: Key, orMake make: () throws -> Value) rethrows -> Value {
        if let value = value(for: key) { return value }
        let value = try make()
        insert(value, for: key)
        return value
    }

    func insert(_ value: Value, for key: Key) {
        generations.withLock { Self.insert(value, for: key, into: &$0, half: half) }
    }

    /// Lookups answered from memory (tests read it).
    var hits: Int { generations.withLock { $0.hits } }

    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ value: Value, for key: Key, into state: inout Generations, half: Int) {
        if state.current.count >= half {
            state.previous = state.current
            state.current = [:]
            state.current.reserveCapacity(half)
        }
        state.current[key] = value
    }
}
