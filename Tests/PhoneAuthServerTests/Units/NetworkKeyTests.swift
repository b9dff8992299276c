import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct NetworkKeyTests {
    @Test(arguments: [
        ("203.0.113.7", 64, "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"),
        ("2001:db8:1:2ff:3:4:5:6", 56, "2001:db8:1:200::/56"),
        ("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6/128"),
        ("::ffff:198.51.100.4", 64, "198.51.100.4"),
        ("unknown", 64, "unknown"),
    ])
    func networksAreIPv4AddressesOrIPv6Prefixes(address: String, bits: Int, key: String) {
        #expect(NetworkKey.of(address, ipv6PrefixLength: bits) == key)
    }
}
