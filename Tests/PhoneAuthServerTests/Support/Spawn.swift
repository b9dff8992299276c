import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end with `posix_spawn` and `waitpid`, on a Dispatch thread. For programs that leave a daemon
/// behind (`pg_ctl restart`): Foundation's `Process` was seen never reporting such a child's exit.
enum Spawn {
    static func run(_ arguments: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var pid: pid_t = 0
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                for descriptor: Int32 in [1, 2] { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0) }
                var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                // The child (a daemon `pg_ctl` leaves behind, above all) keeps none of this process's descriptors.
                let spawned = ChildLaunch.locked {
                    for descriptor in ChildLaunch.openDescriptors() { posix_spawn_file_actions_addclose(&actions, descriptor) }
                    return posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
                }
                guard spawned == 0 else { return continuation.resume(returning: -1) }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1, errno == EINTR {}
                // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
                continuation.resume(returning: status & 0x7f == 0 ? (status >> 8) & 0xff : -1)
            }
        }
    }
}

extension Spawn {
    /// Runs a program to its end with `input` on its standard input: its exit status and what it printed (standard
    /// output and error together, trimmed). `arguments[0]` is an absolute path; a missing program names the Debian
    /// package that brings it.
    static func capture(_ arguments: [String], input: String = "", package: String) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: arguments[0]) else {
            throw MotoError("\(arguments[0]) is missing: install Debian's \(package) (make test-deps does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let exited = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        let (stdin, stdout) = try ChildLaunch.locked {
            let (stdin, stdout) = (Pipe(), Pipe())
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stdout
            try process.run()
            return (stdin, stdout)
        }
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        for await _ in exited {}
        return (process.terminationStatus, String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
