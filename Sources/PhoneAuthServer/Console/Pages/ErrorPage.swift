/// What a refused or failed console request shows.
import PhoneAuthCore

struct ErrorPage: ConsolePage {
    static let template = ConsoleRenderer.Template.error

    var chrome: PageChrome
    var heading: String
    var message: String
    var signInLink: Bool
}
