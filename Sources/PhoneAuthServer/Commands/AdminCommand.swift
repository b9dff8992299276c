import ArgumentParser
import Foundation

/// `PhoneAuthServer admin …`: operator actions straight on the database, whether or not the server runs. Changes
/// reach a running server on its next request, because every request reads the user, session and cutoffs afresh.
/// Exit codes: 0 done, 1 no such user, 64 bad arguments.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operator actions on the database: roles, bans, force-logout, sessions.",
        subcommands: [Promote.self, Demote.self, Disable.self, Enable.self, ForceLogout.self, Sessions.self]
    )

    struct DatabaseOption: ParsableArguments {
        @Option(help: "SQLite file (PHONEAUTH_DATABASE, default ./data/phoneauth.sqlite).") var database: String?

        var path: String { database ?? ProcessInfo.processInfo.environment["PHONEAUTH_DATABASE"] ?? "./data/phoneauth.sqlite" }

        func repository() async throws -> GRDBAdminRepository {
            GRDBAdminRepository(database: try await AppDatabase.open(path: path))
        }
    }

    static func user(_ repository: GRDBAdminRepository, phone: String) async throws -> User {
        let e164: String
        do { e164 = try PhoneNumber(parsing: phone).e164 } catch { throw ValidationError("\(phone) is not an international phone number") }
        guard let user = try await repository.user(phone: e164) else {
            FileHandle.standardError.write(Data("phoneauth: no user with phone \(PhoneNumber.mask(e164))\n".utf8))
            throw ExitCode(1)
        }
        return user
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user the admin role (their older tokens turn stale).")
        @OptionGroup var options: DatabaseOption
        @Argument(help: "The user's phone number.") var phone: String

        func run() async throws {
            try await setRole(.admin, phone: phone, options: options)
        }
    }

    struct Demote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the admin role away (their older tokens turn stale).")
        @OptionGroup var options: DatabaseOption
        @Argument(help: "The user's phone number.") var phone: String

        func run() async throws {
            try await setRole(.user, phone: phone, options: options)
        }
    }

    static func setRole(_ role: UserRole, phone: String, options: DatabaseOption) async throws {
        let repository = try await options.repository()
        let user = try await user(repository, phone: phone)
        _ = try await repository.update(userID: user.id!, role: role, now: Date())
        print("user \(user.id!) is now \(role.rawValue)")
    }

    /// `--user ID` or `--phone NUMBER`, exactly one.
    struct UserTarget: ParsableArguments {
        @Option(help: "A user id.") var user: Int64?
        @Option(help: "A user's phone number.") var phone: String?

        func validate() throws {
            guard (user == nil) != (phone == nil) else { throw ValidationError("name exactly one of --user, --phone") }
        }

        func resolve(_ repository: GRDBAdminRepository) async throws -> Int64 {
            if let phone { return try await AdminCommand.user(repository, phone: phone).id! }
            guard let user, try await repository.user(id: user) != nil else {
                FileHandle.standardError.write(Data("phoneauth: no user \(user ?? 0)\n".utf8))
                throw ExitCode(1)
            }
            return user
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ban a user: every session ends, every token fails on its next use, and signing in is refused until enabled.")
        @OptionGroup var options: DatabaseOption
        @OptionGroup var target: UserTarget
        @Option(help: "Why, for other operators (at most 500 characters).") var reason: String?

        func validate() throws {
            guard (reason?.count ?? 0) <= 500 else { throw ValidationError("--reason must be at most 500 characters") }
        }

        func run() async throws {
            let repository = try await options.repository()
            let id = try await target.resolve(repository)
            let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            _ = try await repository.disable(userID: id, reason: reason, now: Date())
            print("user \(id) is disabled; every session ended")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a ban: the user may sign in again (old sessions stay ended).")
        @OptionGroup var options: DatabaseOption
        @OptionGroup var target: UserTarget

        func run() async throws {
            let repository = try await options.repository()
            let id = try await target.resolve(repository)
            _ = try await repository.enable(userID: id, now: Date())
            print("user \(id) is enabled")
        }
    }

    struct ForceLogout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "force-logout", abstract: "End sessions now: every older access token is refused on its next use.")
        @OptionGroup var options: DatabaseOption
        @Option(help: "A user id.") var user: Int64?
        @Option(help: "A user's phone number.") var phone: String?
        @Option(help: "Everyone in a market.") var market: String?
        @Flag(help: "Everyone.") var all = false

        func validate() throws {
            let chosen = [user != nil, phone != nil, market != nil, all].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("name exactly one of --user, --phone, --market, --all") }
        }

        func run() async throws {
            let repository = try await options.repository()
            let target: ForceLogoutTarget
            if let user {
                guard try await repository.user(id: user) != nil else {
                    FileHandle.standardError.write(Data("phoneauth: no user \(user)\n".utf8))
                    throw ExitCode(1)
                }
                target = .user(user)
            } else if let phone {
                target = .user(try await AdminCommand.user(repository, phone: phone).id!)
            } else if let market {
                target = .market(market)
            } else {
                target = .everyone
            }
            let revoked = try await repository.forceLogout(target, now: Date())
            print("force-logout done; \(revoked) session(s) revoked")
        }
    }

    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's sessions.")
        @OptionGroup var options: DatabaseOption
        @Option(help: "The user's phone number.") var phone: String

        func run() async throws {
            let repository = try await options.repository()
            let user = try await AdminCommand.user(repository, phone: phone)
            let formatter = ISO8601DateFormatter()
            let now = Date()
            print("ID                                    ACTIVE  CREATED               LAST ACTIVITY         USER AGENT")
            for session in try await repository.sessions(userID: user.id!) {
                let active = session.isUsable(at: now) ? "yes" : "no"
                print("\(session.id)  \(active.padding(toLength: 6, withPad: " ", startingAt: 0))  "
                    + "\(formatter.string(from: session.createdAt))  \(formatter.string(from: session.lastActivityAt))  \(session.userAgent ?? "-")")
            }
        }
    }
}
