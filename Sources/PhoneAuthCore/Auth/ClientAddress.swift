/// The client's IP for rate limiting: the socket peer, or, only when that peer is a trusted proxy, the nearest
/// untrusted hop in `X-Forwarded-For` (read right to left, so a client cannot forge its way past the proxy).
package enum ClientAddress {
    package static func resolve(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
