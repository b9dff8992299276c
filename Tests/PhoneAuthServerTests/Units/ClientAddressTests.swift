import Testing

@testable import PhoneAuthCore

/// Behind a trusted proxy the client is the hop the proxy appended, whatever the client wrote before it.
@Suite struct ClientAddressTests {
    private let proxies: Set<String> = ["10.0.0.1"]

    @Test(arguments: [
        "198.51.100.1", "198.51.100.1\u{070F}", "198.51.100.1 \u{070F}", "\u{0600}", "198.51.100.1\u{0301}", "a,\u{070F}", "",
    ])
    func whateverTheClientWroteTheProxysHopCounts(forged: String) {
        // The proxy appends ", <the address it saw>" to the header it received.
        let header = forged.isEmpty ? "203.0.113.9" : forged + ", 203.0.113.9"
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: header, trustedProxies: proxies) == "203.0.113.9")
    }

    @Test func anUntrustedPeerIsItselfAndEmptyHopsAreSkipped() {
        #expect(ClientAddress.resolve(peer: "192.0.2.7", forwardedFor: "203.0.113.9", trustedProxies: proxies) == "192.0.2.7")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: "203.0.113.9 ,\t, 10.0.0.1 ,", trustedProxies: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: " , ", trustedProxies: proxies) == "10.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: "203.0.113.9", trustedProxies: proxies) == "unknown")
    }
}
