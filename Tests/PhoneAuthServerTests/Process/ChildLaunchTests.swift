import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How the tests start and stop programs: a child keeps none of the test process's descriptors (a daemon it leaves
/// behind would otherwise hold a pipe or another child's exit socket open for as long as it lives), and a stop is
/// bounded even for a program that ignores SIGTERM.
@Suite struct ChildLaunchTests {
    @Test func aDaemonLeftBehindHoldsNoneOfTheTestProcesssDescriptors() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        // The shell returns at once and leaves `sleep` running, as `pg_ctl start` leaves PostgreSQL.
        #expect(await Spawn.run(["/bin/sh", "-c", "sleep 5 & exit 0"]) == 0)
        close(ends[1])
        let started = ContinuousClock.now
        var byte: UInt8 = 0
        // End of file as soon as no process holds the write end any more.
        #expect(read(ends[0], &byte, 1) == 0)
        close(ends[0])
        #expect(ContinuousClock.now - started < .seconds(2), "the left-behind sleep held the pipe's write end")
    }

    @Test func aProgramThatIgnoresSIGTERMIsKilledAfterTheGraceAndThatIsRecorded() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' TERM; sleep 30"]
        try ChildLaunch.locked { try process.run() }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        await withKnownIssue("the stop records that SIGTERM was not enough") {
            await ChildLaunch.stop(process.processIdentifier, grace: .seconds(1), what: "a stubborn shell")
        }
        #expect(ChildLaunch.hasExited(process.processIdentifier))
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
