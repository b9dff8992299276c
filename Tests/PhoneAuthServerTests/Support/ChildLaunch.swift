import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every child process the tests start is launched through here, one launch at a time, and waited for with a bound.
///
/// Foundation's `Process.run` (Linux) learns of a child's exit when a socket the child holds closes, and makes the child
/// close every other descriptor by listing them just before it spawns. A descriptor another thread opens in between (a
/// second `run`'s socket, a pipe, a terminal) leaks into that child; the first child's exit then goes unnoticed for as
/// long as the second lives. Two servers started at once and stopped one after the other waited for each other for
/// ever (CI hung in `TwoInstanceTests`). Under one lock, from creating what a child inherits to the parent closing its
/// copies, nothing leaks; and `hasExited` asks the kernel, not Foundation, so a stop never waits unbounded.
enum ChildLaunch {
    private static let lock = NSLock()

    /// `body` creates the child's descriptors and launches it; no other launch runs meanwhile.
    static func locked<Value>(_ body: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Every descriptor above stderr this process has open (for a `posix_spawn` child to close).
    static func openDescriptors() -> [Int32] {
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // The listing's own descriptor is closed by now: keep only those still open.
        return listed.compactMap(Int32.init).filter { $0 > 2 && fcntl($0, F_GETFD) != -1 }
    }

    /// Whether `pid` has ended (gone, or a zombie nobody has reaped yet), from `/proc`.
    static func hasExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let name = stat.lastIndex(of: ")"), stat.distance(from: name, to: stat.endIndex) > 2
        else { return true }
        // "pid (name) S …": the state follows the name.
        let state = stat[stat.index(name, offsetBy: 2)]
        return state == "Z" || state == "X"
    }

    /// Waits up to `limit` for `pid` to end; whether it did.
    static func waitForExit(_ pid: pid_t, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if hasExited(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return hasExited(pid)
    }

    /// SIGTERM (or `signal`), then SIGKILL once `grace` has passed, recording an issue then: a child that does not
    /// stop is a failure of the test, never a hung run.
    static func stop(_ pid: pid_t, signal: Int32 = SIGTERM, grace: Duration, what: String) async {
        guard !hasExited(pid) else { return }
        kill(pid, signal)
        if await waitForExit(pid, within: grace) { return }
        Issue.record("\(what) (pid \(pid)) did not exit within \(grace) of signal \(signal); killed")
        kill(pid, SIGKILL)
        if !(await waitForExit(pid, within: .seconds(10))) { Issue.record("\(what) (pid \(pid)) survived SIGKILL") }
    }
}
