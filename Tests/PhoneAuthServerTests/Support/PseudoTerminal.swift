import Foundation
import PhoneAuthCore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a built binary of this package on a pseudo-terminal, as a person at a terminal would: its stdin, stdout and
/// stderr are the terminal (so `isatty` is true), the test reads what it printed and types lines into it.
final class PseudoTerminal: Sendable {
    private let master: Int32
    private let process: Process
    private let output = Transcript()
    private let exited: AsyncStream<Void>

    init(_ arguments: [String], binary: String = "clientcli", environment: [String: String] = [:]) throws {
        let pty = try PTYFunctions()
        let master = pty.openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, pty.grantpt(master) == 0, pty.unlockpt(master) == 0, let slaveName = pty.ptsname(master) else {
            throw MotoError("cannot open a pseudo-terminal")
        }
        let slavePath = String(cString: slaveName)
        self.master = master
        let process = Process()
        process.executableURL = CLIRunner.binary(binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        self.process = process
        exited = AsyncStream { continuation in process.terminationHandler = { _ in continuation.finish() } }
        try ChildLaunch.locked {
            let slave = open(slavePath, O_RDWR | O_NOCTTY)
            guard slave >= 0 else { throw MotoError("cannot open \(slavePath)") }
            defer { close(slave) }
            // Closed by hand once the child has it: a handle closing it on deallocation would close whatever reused the number.
            let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
            (process.standardInput, process.standardOutput, process.standardError) = (terminal, terminal, terminal)
            try process.run()
        }
        let output = self.output
        // A Dispatch thread of its own: a blocking read must not hold Swift's cooperative pool.
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(master, &buffer, buffer.count)
                guard count > 0 else { return }  // EIO once the child has gone
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                output.text.withLock { $0 += text }
            }
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }

    /// Everything the program printed so far (and the terminal's echo of what was typed).
    var transcript: String { output.text.withLock { $0 } }

    /// Waits until the transcript contains `text` `occurrence` times (up to 10 s).
    func waitFor(_ text: String, occurrence: Int = 1) async throws {
        for _ in 0..<1_000 {
            if transcript.components(separatedBy: text).count - 1 >= occurrence { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        let state = process.isRunning ? "still running" : "exited with \(process.terminationStatus)"
        throw MotoError("the terminal never showed \"\(text)\" (\(occurrence)); the program is \(state); it shows:\n\(transcript)")
    }

    /// Types a line and Enter.
    func type(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits for the program to end: its exit code.
    func exitStatus() async -> Int32 {
        for await _ in exited {}
        return process.terminationStatus
    }
}

/// glibc's pseudo-terminal calls, looked up at run time: the Glibc module does not export them (they need
/// `_XOPEN_SOURCE`), and `ioctl`, the other way in, is variadic and cannot be called from Swift.
private struct PTYFunctions {
    let openpt: @convention(c) (Int32) -> Int32
    let grantpt: @convention(c) (Int32) -> Int32
    let unlockpt: @convention(c) (Int32) -> Int32
    let ptsname: @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    init() throws {
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { throw MotoError("no \(name) in libc") }
            return unsafeBitCast(pointer, to: type)
        }
        openpt = try symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
        grantpt = try symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
        unlockpt = try symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
        ptsname = try symbol("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
    }
}

/// What the terminal showed, shared with the thread that reads it.
private final class Transcript: Sendable {
    let text = Locked("")
}
