import Foundation
import Logging

/// Development only (refused in production): prints the code to standard error instead of sending it.
struct ConsoleSMSGateway: SMSGateway {
    func send(_ message: SMSMessage, logger: Logger) async throws {
        FileHandle.standardError.write(Data("code for \(message.to.masked): \(message.code)\n".utf8))
    }
}
