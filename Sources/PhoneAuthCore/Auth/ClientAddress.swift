/// The client's IP for rate limiting: the socket peer, or, only when that peer is a trusted proxy, the nearest
/// untrusted hop in `X-Forwarded-For` (read right to left, so a client cannot forge its way past the proxy).
///
/// Split on the comma *byte*, trimmed of spaces and tabs only (RFC 9110's OWS): split by `Character`, a client that
/// ended its own header with U+070F (a "prepend" mark that joins the next character into one grapheme) glued the
/// proxy's `, <real address>` onto its hop, so the hop the proxy added was never seen and every request counted as a
/// new network (the fuzz target forwarded-for found it).
package enum ClientAddress {
    package static func resolve(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trimmed).filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }

    private static func trimmed(_ hop: Substring.UTF8View.SubSequence) -> String {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = hop.firstIndex(where: { !blank($0) }), let last = hop.lastIndex(where: { !blank($0) }) else { return "" }
        return String(decoding: hop[first...last], as: UTF8.self)
    }
}
