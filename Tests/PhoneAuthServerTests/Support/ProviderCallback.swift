import Foundation

@testable import PhoneAuthDelivery

/// A provider calling back: a receipt posted over real HTTP (libcurl) to the URL the provider was given or configured
/// with, as Meta, Telegram and Twilio post theirs.
enum ProviderCallback {
    /// The status the server answered.
    static func post(_ url: String, body: String, headers: [String]) async throws -> Int {
        try await CurlClient.isolated().perform(
            CurlRequest(url: url, method: "POST", headers: headers, body: Array(body.utf8), timeout: .seconds(10))
        ).status
    }
}
