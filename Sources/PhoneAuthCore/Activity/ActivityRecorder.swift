import Foundation
import Logging
import ServiceLifecycle

/// Counts sign-in activity for the console in memory and adds it to the database in batches (`ActivityFlusher`,
/// every few seconds and at shutdown), so a send or a sign-in costs no extra write. Each instance adds its own
/// counts, so the totals are the whole fleet's. A crash loses at most the last few seconds of counters, never a send.
package final class ActivityRecorder: Sendable {
    private let pending = Locked<[ActivityCount.Key: Int]>([:])
    private let repository: any ActivityRepository
    private let now: WallClock

    package init(repository: any ActivityRepository, now: @escaping WallClock) {
        (self.repository, self.now) = (repository, now)
    }

    package func record(_ event: ActivityEvent, market: String) {
        let key = ActivityCount.Key(bucket: ActivityCount.bucket(of: now()), market: market, event: event)
        pending.withLock { $0[key, default: 0] += 1 }
    }

    /// Writes what is pending; on failure keeps it for the next flush.
    package func flush() async throws {
        let batch = pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await repository.add(batch)
        } catch {
            pending.withLock { pending in pending.merge(batch, uniquingKeysWith: +) }
            throw error
        }
    }

    /// The fleet's counters since `start`, this instance's pending ones written first, so a reader sees everything up
    /// to its own request.
    package func counts(since start: Date) async throws -> [ActivityCount] {
        try await flush()
        return try await repository.counts(since: start)
    }
}

/// Runs `ActivityRecorder.flush` every `interval` and once more at shutdown.
package struct ActivityFlusher: Service {
    package let recorder: ActivityRecorder
    package let interval: Duration
    package let logger: Logger

    package init(recorder: ActivityRecorder, interval: Duration, logger: Logger) {
        self.recorder = recorder
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Woken at shutdown too: the last counts are written before the storage stops (it was added first).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
    }

    private func flush() async {
        do {
            try await recorder.flush()
        } catch {
            logger.warning("activity counters not written; kept for the next try", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
