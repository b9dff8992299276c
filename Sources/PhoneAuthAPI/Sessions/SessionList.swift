/// `GET /auth/sessions` and the admin's `GET /admin/users/{id}/sessions`: `{"sessions":[…]}`.
public struct SessionList: Codable, Sendable, Equatable {
    /// The user's sessions.
    public var sessions: [SessionInfo]

    /// A list of `sessions`.
    public init(sessions: [SessionInfo]) {
        self.sessions = sessions
    }
}
