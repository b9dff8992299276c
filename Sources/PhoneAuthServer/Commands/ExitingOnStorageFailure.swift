import ArgumentParser
import Foundation
import PhoneAuthCore

/// The database cannot be used (unreachable, refusing, locked, read-only): one line naming it, never its password, and
/// exit code 69 (EX_UNAVAILABLE), at start-up as in a one-shot command.
func exitingOnStorageFailure<Value>(_ setting: DatabaseSetting, _ body: () async throws -> Value) async throws -> Value {
    do {
        return try await body()
    } catch {
        guard let unavailable = StorageFailure.unavailable(error) else { throw error }
        FileHandle.standardError.write(Data("phoneauth: cannot use the database \(setting): \(unavailable.reason)\n".utf8))
        throw ExitCode(69)
    }
}
