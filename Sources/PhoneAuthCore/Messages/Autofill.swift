/// A last line that lets the phone offer the code above the keyboard.
package enum Autofill: Sendable, Equatable {
    /// `@domain #123456`: the origin-bound format of Apple's domain-bound codes and WebOTP. The domain must be the
    /// web origin's host (an app associated with it through its `apple-app-site-association` or asset links).
    case originBound(domain: String)
    /// Android's SMS Retriever: the app's 11-character hash (from its package name and signing certificate) on a line
    /// of its own at the end; the message may then be no longer than 140 bytes (one segment).
    case appHash(String)

    package func line(code: String) -> String {
        switch self {
        case .originBound(let domain): "@\(domain) #\(code)"
        case .appHash(let hash): hash
        }
    }

    /// A host name: letters, digits and hyphens in dot-separated labels of 1 to 63, at most 253 in all, lower case.
    package static func isValidDomain(_ domain: String) -> Bool {
        guard (1...253).contains(domain.utf8.count), domain == domain.lowercased() else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
        }
    }

    /// Eleven characters of base64 (the first 9 bytes of a SHA-256, as Google's `AppSignatureHelper` prints them).
    package static func isValidAppHash(_ hash: String) -> Bool {
        hash.utf8.count == 11
            && hash.utf8.allSatisfy { (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 43 || $0 == 47 }
    }
}
