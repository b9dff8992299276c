/// A bounded map for memoizing pure work on the request path: two generations of at most `capacity / 2` entries and
/// `maxBytes / 2` bytes each (as `cost` counts them); a hit in the older one moves to the newer, and when the newer
/// fills, the older is dropped (an approximate LRU at O(1) per call, one short lock). Bounded by bytes as well as by
/// count, so one account writing large values cannot make ten thousand entries cost gigabytes; a value over half the
/// byte budget is computed every time instead of kept.
package final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var cost: Int
    }

    private struct Generations {
        var current: [Key: Entry] = [:]
        var previous: [Key: Entry] = [:]
        var currentBytes = 0
        var previousBytes = 0
        var hits = 0
    }

    private let generations = Locked(Generations())
    private let half: Int
    private let halfBytes: Int
    private let cost: @Sendable (Key, Value) -> Int

    /// `cost`: the bytes an entry holds, key included.
    package init(capacity: Int, maxBytes: Int = .max, cost: @escaping @Sendable (Key, Value) -> Int = { _, _ in 0 }) {
        half = max(1, capacity / 2)
        halfBytes = max(1, maxBytes / 2)
        self.cost = cost
    }

    package func value(for key: Key) -> Value? {
        generations.withLock { state in
            if let entry = state.current[key] {
                state.hits += 1
                return entry.value
            }
            guard let entry = state.previous.removeValue(forKey: key) else { return nil }
            state.previousBytes -= entry.cost
            state.hits += 1
            Self.insert(entry, for: key, into: &state, half: half, halfBytes: halfBytes)
            return entry.value
        }
    }

    /// The remembered value, or `make`'s, kept for next time.
    package func value(for key: Key, orMake make: () throws -> Value) rethrows -> Value {
        if let value = value(for: key) { return value }
        let value = try make()
        insert(value, for: key)
        return value
    }

    package func insert(_ value: Value, for key: Key) {
        let entry = Entry(value: value, cost: cost(key, value))
        guard entry.cost <= halfBytes else { return }
        generations.withLock { Self.insert(entry, for: key, into: &$0, half: half, halfBytes: halfBytes) }
    }

    /// Lookups answered from memory (tests read it).
    package var hits: Int { generations.withLock { $0.hits } }

    package var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    /// What the entries held cost in all, as `cost` counts it.
    package var bytes: Int { generations.withLock { $0.currentBytes + $0.previousBytes } }

    private static func insert(_ entry: Entry, for key: Key, into state: inout Generations, half: Int, halfBytes: Int) {
        guard state.current[key] == nil else { return }  // a memo: the same key always has the same value
        if state.current.count >= half || state.currentBytes + entry.cost > halfBytes {
            state.previous = state.current
            state.previousBytes = state.currentBytes
            state.current = [:]
            state.currentBytes = 0
            state.current.reserveCapacity(min(half, 1_024))
        }
        state.current[key] = entry
        state.currentBytes += entry.cost
    }
}
