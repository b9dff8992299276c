/// The message texts, per language, naming the app.
package struct SMSTextCatalog: Sendable {
    package let appName: String

    package init(appName: String) {
        self.appName = appName
    }

    /// With `otpDomain`, the last line is `@domain #code`, the origin-bound format iOS and Android autofill.
    package func text(code: String, language: String, otpDomain: String? = nil) -> String {
        let text =
            switch language {
            case "ru", "ky": "\(code) — код для входа в \(appName). Никому его не сообщайте."
            default: "\(code) is your \(appName) sign-in code. Do not share it."
            }
        guard let otpDomain else { return text }
        return text + "\n\n@\(otpDomain) #\(code)"
    }
}
