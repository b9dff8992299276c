/// The message texts, per language, naming the app.
struct SMSTextCatalog: Sendable {
    let appName: String

    func text(code: String, language: String) -> String {
        switch language {
        case "ru", "ky": "\(code) — код для входа в \(appName). Никому его не сообщайте."
        default: "\(code) is your \(appName) sign-in code. Do not share it."
        }
    }
}
