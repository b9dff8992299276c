/// The sign-in page: the phone form, then the code form for the verification id the send returned.
import PhoneAuthCore

struct LoginPage: ConsolePage {
    static let template = ConsoleRenderer.Template.login

    var chrome: PageChrome
    var formToken: String
    var phone: String = ""
    var verificationID: String?
    var maskedPhone: String = ""
    var error: String?
}
