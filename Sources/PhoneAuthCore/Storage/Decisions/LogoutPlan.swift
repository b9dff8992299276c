import Foundation

/// What a logout ends, decided once for every backend (`SessionRepository.logOut`).
package struct LogoutPlan: Sendable, Equatable {
    /// Which of the user's active sessions end.
    package enum Sessions: Sendable, Equatable {
        case none
        case all
        case only(String)
        case allExcept(String?)
    }

    /// The user turns inactive and every token issued before now turns stale (a global logout).
    package var deactivatesUser: Bool
    package var sessions: Sessions

    package init(scope: LogoutScope, sessionID: String?) {
        switch scope {
        case .global: (deactivatesUser, sessions) = (true, .all)
        // A token without a session (older tokens) has nothing of its own to end.
        case .local: (deactivatesUser, sessions) = (false, sessionID.map(Sessions.only) ?? .none)
        case .others: (deactivatesUser, sessions) = (false, .allExcept(sessionID))
        }
    }

    /// The arguments of the backends' `revokeAll(except:only:)`; nil: end none.
    package var revokeArguments: (except: String?, only: String?)? {
        switch sessions {
        case .none: nil
        case .all: (nil, nil)
        case .only(let id): (nil, id)
        case .allExcept(let id): (id, nil)
        }
    }
}
