import Foundation

/// Development only (refused in production): prints the code to standard error instead of sending it.
package struct ConsoleSMSProvider: SMSProvider {

    package init() {
    }

    package let name = "console"

    package func send(_ message: SMSMessage, limits: AttemptLimits) async throws(SMSFailure) -> String {
        FileHandle.standardError.write(Data("code for \(message.to.masked): \(message.code)\n".utf8))
        return "console"
    }
}
