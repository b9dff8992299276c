/// How ``PhoneAuthSession/signInSilently(phone:browser:)`` ended: signed in without a text, or the reason to send a
/// code the usual way (``PhoneAuthClient/sendCode(phone:channel:language:token:onChallenge:)``).
public enum SilentSignInResult: Sendable, Equatable {
    /// Signed in; `previousAccount` is `detached` when the number's dormant account was set aside for a fresh one.
    case signedIn(UserProfile, previousAccount: String?)
    /// Send a code: `no_operator` (the number's market has none), `operator_unavailable`, `too_many_flows`, `network_declined` (the
    /// operator did not recognise the device: Wi-Fi, another SIM), `network_unreachable` (no answer over the mobile
    /// network), `network_verification_failed`, `network_check_unavailable`.
    case sendCode(reason: String)
}
