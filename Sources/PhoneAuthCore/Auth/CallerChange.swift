/// Whose cached state (`AuthStateCache`) a committed write may have changed: nobody's (the send log, codes, limits'
/// counters, the audit log), one user's (their row, sessions, profile, addresses: a sign-in, a refresh, a logout, an
/// edit), or anybody's (a market's cutoff, housekeeping, an edit made by hand). A sign-in empties its own user's
/// entries only, so a fleet under a wave of sign-ins keeps answering everybody else's reads from memory.
package enum CallerChange: Sendable, Equatable {
    case nobody
    case user(Int64)
    case everyone
}
