import Foundation
import Testing

/// The console in a real browser: `Tests/Browser/console_browser.py` drives headless Chromium (Debian's `chromium` and
/// `chromium-driver`, selenium from PyPI; `make test` installs them) against the real server binary, and writes a
/// screenshot of every page under `.build/console-screenshots/`.
@Suite struct ConsoleBrowserTests {
    static let repository = RepositoryFolder.root

    @Test(.timeLimit(.minutes(5)))
    func anOperatorSignsInFindsAUserRevokesASessionBansThemAndBlocksARange() async throws {
        let screenshots = Self.repository.appendingPathComponent(".build/console-screenshots")
        try? FileManager.default.removeItem(at: screenshots)
        let run = try await CLIRunner.run(
            [
                "python3", Self.repository.appendingPathComponent("Tests/Browser/console_browser.py").path,
                "--server", CLIRunner.binary("PhoneAuthServer").path, "--screenshots", screenshots.path,
            ], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(run.status == 0, "the browser test failed:\n\(run.stderr.suffix(4000))")
        #expect(run.stdout.contains("\"passed\": true"))
        for page in ["overview", "overview-phone", "user", "user-banned", "audit", "csrf-refused", "fraud", "markets", "not-operator"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshots.appendingPathComponent("\(page).png").path)[.size] as? Int) ?? 0
            #expect(size > 5_000, "a screenshot of \(page)")
        }
    }
}
