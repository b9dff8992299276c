import Foundation

extension Array where Element == UInt8 {
    /// Base64url without padding (RFC 4648 §5): safe in JSON, URLs and file names.
    package var base64URL: String {
        Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
