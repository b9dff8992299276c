import ClientCore
import Foundation
import Synchronization

/// What clientcli shows while ClientCore solves a send-code challenge: nothing for the first second, then one line
/// on stderr (redrawn in place on a terminal), closed when the code is sent or refused.
final class ChallengeProgressLine: Sendable {
    private let shown = Mutex(false)
    private let output: FileHandle
    private let terminal: Bool

    init(output: FileHandle = .standardError, terminal: Bool? = nil) {
        self.output = output
        self.terminal = terminal ?? (isatty(output.fileDescriptor) != 0)
    }

    func report(_ progress: ProofOfWorkChallenge.Progress) {
        guard progress.elapsed >= .seconds(1) else { return }
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        let text = "solving a sign-in check (\(progress.difficulty) bits)… \(String(format: "%.1f", seconds)) s"
        let first = shown.withLock { shown in
            defer { shown = true }
            return !shown
        }
        if terminal {
            output.write(Data("\r\(text)".utf8))
        } else if first {
            output.write(Data("\(text)\n".utf8))
        }
    }

    /// Ends the line if one was started.
    func finish() {
        guard shown.withLock({ $0 }), terminal else { return }
        output.write(Data("\n".utf8))
    }
}
