import Foundation

/// Development only (refused in production): prints the code to standard error instead of sending it, for any channel
/// (so `make run` can try WhatsApp, Telegram and voice without accounts).
package struct ConsoleProvider: MessageProvider {
    package let channel: DeliveryChannel

    package init(channel: DeliveryChannel = .sms) {
        self.channel = channel
    }

    package let name = "console"

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        let by = channel == .sms ? "" : "\(channel.rawValue) "
        FileHandle.standardError.write(Data("\(by)code for \(message.to.masked): \(message.code)\n".utf8))
        return nil
    }
}
