#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What per-network limits count by: an IPv4 address as it is, an IPv6 address cut to its first `prefixLength` bits.
/// One subscriber usually holds a whole /64 and can rotate through its addresses at will, so counting IPv6 by
/// address would let one client look like millions.
package enum NetworkKey {
    package static let defaultIPv6PrefixLength = 64

    package static func of(_ address: String, ipv6PrefixLength: Int = defaultIPv6PrefixLength) -> String {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return address }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        var bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // An IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let keep = max(0, min(128, ipv6PrefixLength))
        for index in 0..<16 {
            let bitsHere = max(0, min(8, keep - index * 8))
            bytes[index] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count)) != nil else { return address }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/\(keep)"
    }
}
