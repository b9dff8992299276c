import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Refresh rotation, logout and the right code's sign-in, decided without a database (`SessionTests` and
/// `LoginFlowTests` run them through both backends).
@Suite struct SessionDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let presented = Data("old".utf8)
    let replacement = (hash: Data("new".utf8), sealedPair: Data("pair".utf8))

    func user(active: Bool = true, disabled: Bool = false) -> User {
        User(
            id: 7, phoneNumber: "+13125550100", fullName: nil, profileImageURL: nil, isActive: active, isVerified: true, lastLogin: nil,
            market: "us", language: "en", country: "US", createdAt: now, updatedAt: now, tokensValidAfter: nil,
            disabledAt: disabled ? now : nil)
    }

    func session(current: Data, rotatedSecondsAgo: TimeInterval? = nil, active: Bool = true) -> UserSession {
        var session = UserSession(
            opening: NewSession(
                id: "s1", refreshTokenHash: current, expiresAt: now.addingTimeInterval(600), absoluteExpiresAt: now.addingTimeInterval(3_600)),
            userID: 7, now: now.addingTimeInterval(-900))
        session.isActive = active
        if let rotatedSecondsAgo {
            session.previousRefreshHash = presented
            session.rotatedAt = now.addingTimeInterval(-rotatedSecondsAgo)
            session.gracePayload = Data("pair".utf8)
        }
        return session
    }

    func decide(_ match: RotationDecision.Match?, user: User?, replacement: (hash: Data, sealedPair: Data)?? = nil) -> RotationDecision {
        RotationDecision.decide(
            match, user: user, replacement: replacement ?? self.replacement, presentedHash: presented, now: now, slidingLifetime: 1_800,
            graceWindow: 30)
    }

    @Test func theCurrentTokenRotatesToTheReplacementWithinTheAbsoluteLifetime() throws {
        let decision = decide(.current(session(current: presented)), user: user())
        guard case .rotate(let rotated, _) = decision else { Issue.record("expected a rotation, got \(decision)"); return }
        #expect(rotated.refreshTokenHash == replacement.hash)
        #expect(rotated.previousRefreshHash == presented)
        #expect(rotated.gracePayload == replacement.sealedPair)
        #expect(rotated.rotatedAt == now)
        #expect(rotated.expiresAt == now.addingTimeInterval(1_800))
        #expect(decision.outcome == .rotated(rotated, user()))
    }

    @Test func aBannedUsersTokenIsRefusedAsDisabledWhicheverTokenItIs() {
        #expect(decide(.current(session(current: presented)), user: user(disabled: true)) == .disabled)
        #expect(decide(.retired(session(current: Data("x".utf8), rotatedSecondsAgo: 5)), user: user(disabled: true)) == .disabled)
    }

    @Test func anEndedSessionAnInactiveUserOrNoReplacementIsInvalid() {
        #expect(decide(nil, user: nil) == .invalid)
        #expect(decide(.current(session(current: presented)), user: nil) == .invalid)
        #expect(decide(.current(session(current: presented, active: false)), user: user()) == .invalid)
        #expect(decide(.current(session(current: presented)), user: user(active: false)) == .invalid)
        #expect(decide(.current(session(current: presented)), user: user(), replacement: .some(nil)) == .invalid)
    }

    @Test func aRetiredTokenWithinTheGraceWindowGetsTheSamePairAgain() {
        let retired = session(current: Data("x".utf8), rotatedSecondsAgo: 5)
        #expect(decide(.retired(retired), user: user()) == .replay(payload: Data("pair".utf8), user: user()))
    }

    @Test func aRetiredTokenAfterTheGraceWindowEndsTheSessionForEveryone() {
        let decision = decide(.retired(session(current: Data("x".utf8), rotatedSecondsAgo: 31)), user: user())
        guard case .endSession(let ended) = decision else { Issue.record("expected the session ended, got \(decision)"); return }
        #expect(!ended.isActive)
        #expect(ended.revokedAt == now)
        #expect(ended.gracePayload == nil)
        #expect(decision.outcome == .reused)
        // A user no longer active gets no replay either.
        guard case .endSession = decide(.retired(session(current: Data("x".utf8), rotatedSecondsAgo: 5)), user: user(active: false)) else {
            Issue.record("an inactive user's retired token must end the session")
            return
        }
    }

    @Test func eachLogoutScopeEndsItsSessions() {
        let global = LogoutPlan(scope: .global, sessionID: "s1")
        #expect(global.deactivatesUser)
        #expect(global.sessions == .all)
        let local = LogoutPlan(scope: .local, sessionID: "s1")
        #expect(!local.deactivatesUser)
        #expect(local.sessions == .only("s1"))
        #expect(LogoutPlan(scope: .local, sessionID: nil).revokeArguments == nil)
        #expect(LogoutPlan(scope: .others, sessionID: "s1").sessions == .allExcept("s1"))
        #expect(LogoutPlan(scope: .others, sessionID: "s1").revokeArguments! == ("s1", nil))
    }

    @Test func theRightCodeSignsInUnlessTheUserIsBannedOrTheMarketGone() {
        let defaults = NewUserDefaults(market: "us", language: "en", country: "US")
        #expect(SignInDecision.decide(existing: nil, defaults: defaults) == .signIn(defaults))
        #expect(SignInDecision.decide(existing: user(active: false), defaults: defaults) == .signIn(defaults))
        #expect(SignInDecision.decide(existing: user(disabled: true), defaults: defaults).refusal == .disabled)
        #expect(SignInDecision.decide(existing: user(), defaults: nil).refusal == .rejected(attemptsRemaining: nil))
    }
}
