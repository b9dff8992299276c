import Foundation

/// Where log lines go: appended to memory under a short lock and written to stderr by one background thread every
/// 50 ms (at once for errors, or when 256 KiB are waiting), so a request never waits on a write(2). Lines keep their
/// order. If stderr stalls and 8 MiB pile up, further lines are dropped and counted, never blocking the server. At exit
/// (and in `flush()`) what is waiting is written; a crash can lose the last 50 ms.
package final class LogSink: Sendable {
    package static let standardError: LogSink = {
        atexit { LogSink.standardError.flush() }
        return LogSink(fd: STDERR_FILENO)
    }()

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
    }

    private let fd: Int32
    private let pending = Locked(Pending())
    private let wake = DispatchSemaphore(value: 0)
    /// Held while writing, so flushes from the writer thread and from `flush()` callers keep lines in order; it counts
    /// the flushes (a lock around `()` is an access ThreadSanitizer misreads as a race).
    private let writing = Locked(0)
    private static let eagerBytes = 256 * 1024
    private static let maximumBytes = 8 * 1024 * 1024

    /// Starts the writer thread (tests give a pipe).
    package init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(50))
                flush()
            }
        }
        thread.name = "phoneauth-log"
        thread.start()
    }

    /// `line` ends with a newline.
    package func append(_ line: some Collection<UInt8>, urgent: Bool) {
        let size = pending.withLock { pending -> Int in
            guard pending.bytes.count + line.count <= Self.maximumBytes else {
                pending.dropped += 1
                return 0
            }
            pending.bytes.append(contentsOf: line)
            return pending.bytes.count
        }
        if urgent || size >= Self.eagerBytes { wake.signal() }
    }

    /// Writes what is waiting, in order.
    package func flush() {
        writing.withLock { flushes in
            flushes &+= 1
            var (bytes, dropped) = pending.withLock { pending in
                defer { pending = Pending() }
                return (pending.bytes, pending.dropped)
            }
            if dropped > 0 { bytes += Array("phoneauth: \(dropped) log lines dropped (stderr was not keeping up)\n".utf8) }
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
