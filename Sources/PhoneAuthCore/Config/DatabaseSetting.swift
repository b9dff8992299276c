import Foundation

/// Which database the server stores everything in: a SQLite file (the embedded default, one machine) or a PostgreSQL
/// server shared by several instances. Parsed once from `--database` / `PHONEAUTH_DATABASE`.
package enum DatabaseSetting: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresSetting)

    package static let defaultPath = "./data/phoneauth.sqlite"

    /// `postgres://user:password@host:5432/database` (or `postgresql://`) selects PostgreSQL; anything else is a file path.
    package init(parsing text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresSetting(url: text))
        } else {
            guard !text.isEmpty else { throw ConfigError("--database must not be empty") }
            self = .sqlite(path: text)
        }
    }

    /// The folder that holds development secrets: the SQLite file's, or `./data` next to a PostgreSQL server.
    /// The label metrics carry.
    package var backendName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }

    package var dataFolder: String {
        switch self {
        case .sqlite(let path): URL(fileURLWithPath: path).deletingLastPathComponent().path
        case .postgres: "./data"
        }
    }

    /// Safe for logs and messages: never the password.
    package var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let setting): setting.redacted
        }
    }
}

/// A PostgreSQL server and how to talk to it. The password is kept out of `description` and every message.
package struct PostgresSetting: Sendable, Equatable, CustomStringConvertible {
    package enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    package var host: String
    package var port = 5432
    package var username: String
    package var password: String?
    package var database: String
    package var poolSize = 10
    package var connectTimeout: Duration = .seconds(5)
    package var statementTimeout: Duration = .seconds(10)
    package var tls = TLSMode.prefer

    package init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses the URL; `?sslmode=disable|prefer|require` sets the TLS mode as libpq spells it.
    package init(url text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw ConfigError("the PostgreSQL URL must look like postgres://user:password@host:5432/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw ConfigError("the PostgreSQL URL names no database (postgres://…/DATABASE)") }
        guard let user = components.user, !user.isEmpty else { throw ConfigError("the PostgreSQL URL names no user (postgres://USER@…)") }
        if let port = components.port, !(1...65535).contains(port) { throw ConfigError("the PostgreSQL port is out of range") }
        self.init(host: host, port: components.port ?? 5432, username: user, password: components.password, database: database)
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = TLSMode(rawValue: mode) else { throw ConfigError("sslmode must be disable, prefer or require") }
            tls = parsed
        }
    }

    package var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    package var description: String { redacted }
}
