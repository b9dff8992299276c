/// A configuration problem, reported as one line before the server starts.
struct ConfigError: Error, CustomStringConvertible, Equatable {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
