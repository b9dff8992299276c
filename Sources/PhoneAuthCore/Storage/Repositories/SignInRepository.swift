import Foundation

/// Which verification a guess is aimed at.
package enum VerificationTarget: Sendable, Equatable {
    /// The SHA-256 of the id send-code returned: tries count against that verification only.
    case id(hash: Data)
    /// The seed's path for older clients: the phone's newest live verification, with its own try budget.
    case phone(String)

    package var path: String {
        switch self {
        case .id: "id"
        case .phone: "phone"
        }
    }
}

/// The outcome of presenting a code. Failures are values, not errors, so the counters they bump are committed.
package enum RedemptionOutcome: Sendable, Equatable {
    /// Signed in; `detached`: the number's dormant account was detached and this is a fresh one; `simSwapNotice`: the
    /// number's SIM changed lately and the policy is to tell it.
    case success(User, detached: Bool = false, simSwapNotice: Bool = false)
    /// Wrong code, expired code or no code at all. `attemptsRemaining` only on the id path: the phone path answers the
    /// same for all three, so a stranger learns nothing about a live code.
    case rejected(attemptsRemaining: Int?)
    /// The verification's tries on the id path are spent.
    case locked
    /// The right code for a disabled user: the code is burnt and no session opens.
    case disabled
    /// The right code for a number in quarantine after leaving an account: the code is burnt, no account is made.
    case quarantined(until: Date)
    /// The right code for an account whose SIM changed within the window: the code is burnt, no session opens, the
    /// account's sessions stay.
    case simSwapped
    /// The right code, but the operator could not say whether the SIM changed and the policy fails closed.
    case networkUnverified
    /// Too many wrong codes for this phone lately, across codes and paths.
    case phoneRateLimited(retryAfter: Int)
    /// Too many wrong codes from this network lately, across phones.
    case networkRateLimited(retryAfter: Int)
}

/// At most `max` events per `window`.
package struct FailureLimit: Sendable, Equatable {
    package var max: Int
    package var window: TimeInterval
}

/// The brute-force bounds on verify-code.
package struct GuessLimits: Sendable, Equatable {
    /// Wrong tries per verification and path.
    package var perVerification: Int
    /// Wrong codes per phone across both paths.
    package var perPhone: FailureLimit?
    /// The part of `perPhone` the phone path may spend, so strangers leave the id path its tries.
    package var perPhoneOnPhonePath: Int?
    /// Wrong codes per client network across every phone.
    package var perNetwork: FailureLimit?
}

/// What a new user gets when a code creates them.
package struct NewUserDefaults: Sendable, Equatable {
    package var market: String
    package var language: String
    package var country: String
}

extension NewUserDefaults {
    /// What a new user of `market` starts with.
    package init(_ market: Market) {
        self.init(market: market.code, language: market.defaultLanguage, country: market.country)
    }
}

/// A guess at a code, with everything the transaction needs to judge it.
package struct Guess: Sendable {
    package var target: VerificationTarget
    package var network: String
    /// Whether the stored code hash is that of the presented code for this phone (constant time).
    package var matches: @Sendable (_ phone: String, _ codeHash: Data) -> Bool
    /// A new user's defaults for the verified phone; nil when its market is no longer served.
    package var newUser: @Sendable (_ phone: String) -> NewUserDefaults?
    /// Whether an account last seen then (its last sign-in or refresh) is dormant: its number may have a new owner.
    package var isDormant: @Sendable (_ lastSeen: Date?) -> Bool = { _ in false }
    /// What the operator's Number Recycling answer on the code means: whether the number has a new owner.
    package var isRecycled: @Sendable (_ operatorAnswer: Bool) -> Bool = { _ in false }
    /// The phone's keyed digest, as `released_numbers` keys a number in quarantine (`PhoneDigest`).
    package var digest: @Sendable (_ phone: String) -> String = { _ in "" }
}

/// What finishing a silent sign-in found.
package enum FlowTake: Sendable, Equatable {
    /// The live flow, now spent, and when the account holding its number last signed in (nil: no account has).
    case flow(NetworkFlow, accountLastSignIn: Date?)
    /// The network had too many failed silent sign-ins and wrong codes lately; the flow is left alone.
    case networkRateLimited(retryAfter: Int)
    /// No live flow by that id.
    case none
}

/// A verification just stored.
package struct StoredVerification: Sendable, Equatable {
    package var id: Int64
    package var phoneIsDisabled: Bool
    /// The language of the user the phone belongs to, if any: their code is texted in it.
    package var userLanguage: String?
    /// When the account holding the number last signed in; nil when no account has (Number Recycling's date).
    package var accountLastSignIn: Date?

    package init(id: Int64, phoneIsDisabled: Bool, userLanguage: String? = nil, accountLastSignIn: Date? = nil) {
        self.id = id
        self.phoneIsDisabled = phoneIsDisabled
        self.userLanguage = userLanguage
        self.accountLastSignIn = accountLastSignIn
    }
}

/// Signing in, one aggregate: admitting a send, storing and redeeming its code, and on the right code activating the
/// user, opening the session and marking the phone's sends verified, each in one transaction.
package protocol SignInRepository: Sendable {
    /// Atomically (across every process on the database): a block on the range refuses first; then the rules in order;
    /// then the fraud screening (nil: none) may ask for a challenge or block the range; only then is the attempt
    /// recorded, so concurrent sends cannot overshoot any limit or allowance.
    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission

    /// Stores a verification for a send. Atomically, a live verification of the phone with the same code hash (a test
    /// number's fixed code) hands its tries on, so sending again never resets the tries of an unused code. Returns the
    /// row id.
    /// Also says, from the same transaction, whether the phone belongs to a disabled user (who is then texted nothing)
    /// and the user's language.
    /// `changeSession`: the session moving its account to `phone` (a number-change code), nil for a sign-in code.
    func create(idHash: Data, phone: String, codeHash: Data, expiresAt: Date, changeSession: String?, now: Date) async throws -> StoredVerification
    /// Leaves the operator network's answers on a stored code, before it goes out.
    func mark(id: Int64, _ marks: NetworkMarks) async throws
    /// Stores a silent sign-in's flow, unless the phone has `maxLivePerPhone` live ones already (false then).
    func startFlow(_ flow: NetworkFlow, maxLivePerPhone: Int, now: Date) async throws -> Bool
    /// The live flow with this id hash, removed as it is read (a flow has one try), unless `network` is past `limit`
    /// of failures (wrong codes and failed silent sign-ins alike).
    func takeFlow(idHash: Data, network: String, limit: FailureLimit?, now: Date) async throws -> FlowTake
    /// A silent sign-in from `network` that failed (a wrong verifier or state, another device's number): counted
    /// against the network like a wrong code, against no phone (a stranger's device must not lock the number's owner).
    func recordFlowFailure(network: String, now: Date) async throws
    /// A number the operator network confirmed signs in as a right code does, in one transaction (`SignInDecision`
    /// with `marks`: bans, quarantine, dormancy, the SIM-swap gate), with no code to burn.
    func signInProven(phone: String, marks: NetworkMarks, guess: Guess, session: NewSession, now: Date) async throws -> RedemptionOutcome
    /// Removes one verification (and only that one).
    func delete(id: Int64) async throws
    /// When the phone's newest verification was issued, if it has one (a test number's cooldown is read from here, so
    /// its sends never join the send log that every real number's limits and budgets count).
    func latestIssue(phone: String) async throws -> Date?
    /// In one transaction: checks the network's and the phone's limits, judges the code, counts a wrong guess (also
    /// when no code exists), and on success burns the phone's verifications, creates or activates the user and opens
    /// `session`.
    func redeem(_ guess: Guess, limits: GuessLimits, session: NewSession, now: Date) async throws -> RedemptionOutcome
}
