import Foundation
import PhoneAuthCore

/// `X-Forwarded-For`: a client behind a trusted proxy is the nearest hop the proxies did not add, read right to left.
/// Whatever the header says, the answer is the peer or one hop of it, never empty, never a list, never a trusted proxy
/// other than the peer; and an untrusted peer is always itself (a client cannot name its own address).
enum ForwardedForFuzz {
    private static let proxies: Set<String> = ["10.0.0.1", "10.0.0.2", "::1"]

    static let target = FuzzTarget(
        name: "forwarded-for", property: "X-Forwarded-For resolves to the peer or one untrusted hop; an untrusted peer is never overridden"
    ) { bytes in
        let header = String(decoding: bytes, as: UTF8.self)
        let direct = ClientAddress.resolve(peer: "192.0.2.7", forwardedFor: header, trustedProxies: proxies)
        guard direct == "192.0.2.7" else { return "an untrusted peer became \(direct.debugDescription) through \(header.debugDescription)" }
        let proxied = ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: header, trustedProxies: proxies)
        guard proxied != "10.0.0.1" else { return nil }
        // The hops as the proxies wrote them: comma bytes, spaces and tabs (Unicode scalars, not grapheme clusters).
        let hops = header.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0)).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        }
        guard !proxied.isEmpty, !proxied.contains(","), hops.contains(proxied), !proxies.contains(proxied) else {
            return "\(header.debugDescription) resolved to \(proxied.debugDescription)"
        }
        // The rightmost untrusted hop: everything right of it was added by trusted proxies.
        guard let position = hops.lastIndex(of: proxied), hops[(position + 1)...].allSatisfy({ $0.isEmpty || proxies.contains($0) }) else {
            return "\(proxied.debugDescription) is not the nearest untrusted hop of \(header.debugDescription)"
        }
        return nil
    }
}
