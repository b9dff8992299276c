import GRDB

extension Database {
    /// `sql` prepared once per connection and kept in GRDB's statement cache: a sign-in runs the same few dozen
    /// statements every time, and preparing one costs about as much as running it. For fixed SQL only (values go in
    /// the arguments), so the cache stays as small as the code.
    func prepared(_ sql: String) throws -> Statement {
        try cachedStatement(sql: sql)
    }

    /// Executes a prepared statement (see `prepared(_:)`).
    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
