import ArgumentParser
import Foundation
import Logging
import PhoneAuthCore

/// `PhoneAuthServer admin …`: operator actions straight on the database, whether or not the server runs. Changes
/// reach a running server on its next request, because every request reads the user, session and cutoffs afresh.
/// Exit codes: 0 done, 1 no such user, 64 bad arguments, 66 no database file there, 69 the database cannot be used.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operator actions on the database: roles, bans, force-logout, sessions, number ranges, webhooks.",
        subcommands: [
            Promote.self, Demote.self, Disable.self, Enable.self, DeleteUser.self, Reattach.self, ForceLogout.self, Sessions.self, Ranges.self,
            BlockRange.self,
            UnblockRange.self, WebhookCommands.self,
        ]
    )

    /// The database every operator command works on: the server's, SQLite or PostgreSQL alike.
    struct DatabaseOption: ParsableArguments {
        @Option(help: "SQLite file or postgres:// URL (PHONEAUTH_DATABASE, default ./data/phoneauth.sqlite).") var database: String?

        var setting: DatabaseSetting {
            get throws {
                let text = database ?? ProcessInfo.processInfo.environment["PHONEAUTH_DATABASE"] ?? DatabaseSetting.defaultPath
                do { return try DatabaseSetting(parsing: text) } catch let error as ConfigError { throw ValidationError(error.description) }
            }
        }

        /// Opens (and migrates) the storage for the length of `body`. A SQLite file that does not exist is refused
        /// (66) rather than made, unless `creating` (`migrate`): run from the wrong folder, a command would otherwise
        /// act on a new, empty database.
        func withStorage<Value: Sendable>(creating: Bool = false, _ body: @Sendable (Storage) async throws -> Value) async throws -> Value {
            var logger = Logger(label: "phoneauth")
            logger.logLevel = .warning
            let setting = try setting
            if !creating, case .sqlite(let path) = setting, !FileManager.default.fileExists(atPath: path) {
                FileHandle.standardError.write(Data(AdminCommand.missingFile(path).utf8))
                throw ExitCode(66)
            }
            return try await exitingOnStorageFailure(setting) { try await Storage.with(setting, logger: logger, body) }
        }
    }

    /// What a command says of a SQLite file that is not there.
    static func missingFile(_ path: String) -> String {
        "phoneauth: no database at \(path); pass the server's with --database (or PHONEAUTH_DATABASE), "
            + "or create one with `PhoneAuthServer migrate --database \(path)`\n"
    }

    /// What every command acts through, so each action is in the audit log (as the CLI's).
    static func actions(_ storage: Storage, markets: MarketCatalog = .builtIn) -> OperatorActions {
        OperatorActions(storage: storage, markets: markets, policy: SendAllowancePolicy(), now: { Date() })
    }

    static func user(_ storage: Storage, phone: String) async throws -> User {
        let e164: String
        do { e164 = try PhoneNumber(parsing: phone).e164 } catch { throw ValidationError("\(phone) is not an international phone number") }
        guard let user = try await storage.users.find(phone: e164) else {
            FileHandle.standardError.write(Data("phoneauth: no user with phone \(PhoneNumber.mask(e164))\n".utf8))
            throw ExitCode(1)
        }
        return user
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user the admin role (their older tokens turn stale).",
            discussion: "A number that has not signed in yet becomes an admin at its first sign-in.")
        @OptionGroup var options: DatabaseOption
        @Argument(help: "The user's phone number.") var phone: String

        func run() async throws {
            try await options.withStorage { storage in
                let e164: PhoneNumber
                do { e164 = try PhoneNumber(parsing: phone) } catch { throw ValidationError("\(phone) is not an international phone number") }
                var user = try await storage.users.find(phone: e164.e164)
                if user == nil {
                    guard let market = try? MarketCatalog.builtIn.market(for: e164) else {
                        throw ValidationError("\(e164.masked) is in no configured market")
                    }
                    user = try await storage.users.reserve(phone: e164.e164, defaults: NewUserDefaults(market), now: Date())
                    print("\(e164.masked) has not signed in yet: it becomes an admin at its first sign-in")
                }
                guard let id = user?.id else { throw ExitCode(1) }
                _ = try await actions(storage).setRole(userID: id, role: .admin, by: .cli)
                print("user \(id) is now admin")
            }
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
        try await options.withStorage { storage in
            let user = try await user(storage, phone: phone)
            _ = try await actions(storage).setRole(userID: user.id!, role: role, by: .cli)
            print("user \(user.id!) is now \(role.rawValue)")
        }
    }

    /// `--user ID` or `--phone NUMBER`, exactly one.
    struct UserTarget: ParsableArguments {
        @Option(help: "A user id.") var user: Int64?
        @Option(help: "A user's phone number.") var phone: String?

        func validate() throws {
            guard (user == nil) != (phone == nil) else { throw ValidationError("name exactly one of --user, --phone") }
        }

        func resolve(_ storage: Storage) async throws -> Int64 {
            if let phone { return try await AdminCommand.user(storage, phone: phone).id! }
            guard let user, try await storage.users.find(id: user) != nil else {
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
            let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            try await options.withStorage { [target] storage in
                let id = try await target.resolve(storage)
                _ = try await AdminCommand.actions(storage).ban(userID: id, reason: reason, by: .cli)
                print("user \(id) is disabled; every session ended")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a ban: the user may sign in again (old sessions stay ended).")
        @OptionGroup var options: DatabaseOption
        @OptionGroup var target: UserTarget

        func run() async throws {
            try await options.withStorage { [target] storage in
                let id = try await target.resolve(storage)
                _ = try await AdminCommand.actions(storage).unban(userID: id, by: .cli)
                print("user \(id) is enabled")
            }
        }
    }

    struct DeleteUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-user",
            abstract: "Erase a user's account: sessions end, profile and addresses are erased, logs keep only keyed digests of the number.",
            discussion: """
                The number waits --number-quarantine-days before a new account may take it. The digests are keyed with the \
                server's pepper: give the same --pepper (or PHONEAUTH_PEPPER) as the server; a development server's is read \
                from its data folder. Deleting a deleted user changes nothing.
                """)
        @OptionGroup var options: DatabaseOption
        @OptionGroup var target: UserTarget
        @Option(help: "Why, for the audit log (required, at most 500 characters).") var reason: String
        @Option(help: "The server's code pepper (PHONEAUTH_PEPPER).") var pepper: String?
        @Option(help: "Days the number waits before a new account may take it (PHONEAUTH_NUMBER_QUARANTINE_DAYS, default 30).")
        var numberQuarantineDays: Int?

        func validate() throws {
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 500 else { throw ValidationError("--reason must be 1 to 500 characters") }
            guard (0...3_650).contains(numberQuarantineDays ?? 30) else { throw ValidationError("--number-quarantine-days must be 0 to 3650") }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let setting = try options.setting
            let developmentFile = (setting.dataFolder as NSString).appendingPathComponent("pepper")
            guard
                let secret = pepper ?? environment["PHONEAUTH_PEPPER"]
                    ?? (try? String(contentsOfFile: developmentFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines),
                secret.utf8.count >= AppConfig.minimumSecretBytes
            else {
                throw ValidationError("give the server's pepper with --pepper or PHONEAUTH_PEPPER (at least 32 bytes)")
            }
            let days = numberQuarantineDays ?? environment["PHONEAUTH_NUMBER_QUARANTINE_DAYS"].flatMap { Int($0) } ?? 30
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            try await options.withStorage { [target] storage in
                let id = try await target.resolve(storage)
                let erasure = AccountErasure(userID: id, digest: PhoneDigest(pepper: Array(secret.utf8)), quarantine: .seconds(days * 86_400))
                switch try await AdminCommand.actions(storage).deleteUser(erasure, reason: reason, by: .cli) {
                case .erased: print("user \(id) is deleted; every session ended and the number is released")
                case .alreadyErased: print("user \(id) was deleted before; nothing changed")
                case .notFound: throw ExitCode(1)
                }
            }
        }
    }

    struct Reattach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a detached (dormant) account its number back; an account that signed in with the number since is detached in turn.",
            discussion: """
                A sign-in by code to a dormant account makes a fresh account and detaches the old one (--recycled-numbers). \
                When the old owner shows support that the number is still theirs, this undoes it. The console's user page \
                and GET /admin/users/{id}/numbers show which number an account had.
                """)
        @OptionGroup var options: DatabaseOption
        @Option(help: "The detached account's user id.") var user: Int64
        @Option(help: "Why, for the audit log (at most 500 characters).") var reason: String?

        func validate() throws {
            guard (reason?.count ?? 0) <= 500 else { throw ValidationError("--reason must be at most 500 characters") }
        }

        func run() async throws {
            let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            try await options.withStorage { [user] storage in
                guard let account = try await AdminCommand.actions(storage).reattach(userID: user, reason: reason, by: .cli) else {
                    FileHandle.standardError.write(Data("phoneauth: user \(user) is not a detached account\n".utf8))
                    throw ExitCode(1)
                }
                print("user \(user) has its number \(PhoneNumber.mask(account.phoneNumber)) back; an account holding it since is detached")
            }
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
            try await options.withStorage { [user, phone, market] storage in
                let target: ForceLogoutTarget
                if let user {
                    guard try await storage.users.find(id: user) != nil else {
                        FileHandle.standardError.write(Data("phoneauth: no user \(user)\n".utf8))
                        throw ExitCode(1)
                    }
                    target = .user(user)
                } else if let phone {
                    target = .user(try await AdminCommand.user(storage, phone: phone).id!)
                } else if let market {
                    target = .market(market)
                } else {
                    target = .everyone
                }
                let revoked = try await AdminCommand.actions(storage).forceLogout(target, by: .cli)
                print("force-logout done; \(revoked) session(s) revoked")
            }
        }
    }

    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's sessions.")
        @OptionGroup var options: DatabaseOption
        @Option(help: "The user's phone number.") var phone: String

        func run() async throws {
            try await options.withStorage { [phone] storage in
                let user = try await AdminCommand.user(storage, phone: phone)
                Self.printTable(try await storage.sessions.listAll(userID: user.id!))
            }
        }

        private static func printTable(_ sessions: [UserSession]) {
            let formatter = ISO8601DateFormatter()
            let now = Date()
            Swift.print("ID                                    ACTIVE  CREATED               LAST ACTIVITY         USER AGENT")
            for session in sessions {
                let active = session.isUsable(at: now) ? "yes" : "no"
                Swift.print(
                    "\(session.id)  \(active.padding(toLength: 6, withPad: " ", startingAt: 0))  "
                        + "\(formatter.string(from: session.createdAt))  \(formatter.string(from: session.lastActivityAt))  "
                        + (session.userAgent ?? "-")
                )
            }
        }
    }
}
