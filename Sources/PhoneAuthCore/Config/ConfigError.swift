/// A configuration problem, reported as one line before the server starts.
package struct ConfigError: Error, CustomStringConvertible, Equatable {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
