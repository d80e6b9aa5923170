import Foundation
import ShuniuAPI
import ShuniuApp
import ShuniuCore
import ShuniuTesting
import ShuniuTransport
import Testing

/// `X-Forwarded-For` names the client only when the TCP peer is a trusted proxy
/// (`server.trustedProxies`); the address it gives is the one the audit log keeps.
@Suite("Trusted proxies and X-Forwarded-For")
struct TrustedProxyTests {
    @Test("Addresses and CIDR ranges, IPv4 and IPv6, are matched; IPv4-mapped peers match IPv4 entries")
    func matching() throws {
        let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32", "192.168.1.128/25"])
        for trusted in ["127.0.0.1", "10.255.3.4", "::1", "2001:db8:ffff::7", "192.168.1.200", "::ffff:10.1.2.3", "::ffff:127.0.0.1"] {
            #expect(proxies.contains(try #require(IPAddress(trusted))), "\(trusted)")
        }
        for other in ["127.0.0.2", "11.0.0.1", "::2", "2001:db9::1", "192.168.1.127", "::ffff:11.0.0.1"] {
            #expect(!proxies.contains(try #require(IPAddress(other))), "\(other)")
        }
        for bad in ["", "localhost", "10.0.0.0/33", "::1/129", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1:2:3:4:5:6:7:8:9", "1::2::3", "10.0.0.0/", "fe80::1%eth0"] {
            #expect(throws: TrustedProxies.Invalid.self, "\(bad)") { try TrustedProxies([bad]) }
        }
    }

    @Test("The right-most address that is not a trusted proxy is the client; a malformed list gives the peer")
    func rightMostUntrusted() throws {
        let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8"])
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        // The client may send a forged header of its own: only what the trusted hops appended counts.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.7, 10.1.1.1"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.7 , 10.1.1.1"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["2001:DB8::5"]) == "2001:db8::5")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.2.2.2, 10.1.1.1"]) == "10.2.2.2")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        for malformed in ["unknown", "203.0.113.7, ", "203.0.113.7:443", "[::1]", "<script>", String(repeating: "9", count: 5000)] {
            #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: [malformed]) == "127.0.0.1", "\(malformed)")
        }
        // From a peer that is no proxy of ours the header is ignored.
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["203.0.113.7"]) == "192.0.2.1")
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "127.0.0.1")
    }

    @Test("server.trustedProxies is read as a list; each bad entry is reported on its line")
    func configuration() throws {
        let good = try HubConfiguration.parse("server:\n  trustedProxies: [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]\n", file: "shuniu.yaml")
        #expect(good.trustedProxies == (try TrustedProxies(["127.0.0.1", "10.0.0.0/8", "::1"])))
        #expect(HubConfiguration().trustedProxies.isEmpty)
        // The example shows the key with its default, and HTTPS commented out.
        let example = try HubConfiguration.load(file: RepositoryPaths.root + "/Ops/config/shuniu.example.yaml")
        #expect(example.trustedProxies.isEmpty && example.tls == nil)
        do {
            _ = try HubConfiguration.parse("server:\n  trustedProxies:\n    - 127.0.0.1\n    - nginx.local\n", file: "shuniu.yaml")
            Issue.record("a host name was accepted")
        } catch {
            #expect("\(error)".contains("shuniu.yaml:4:") && "\(error)".contains("'nginx.local' is not an IP address"), "\(error)")
        }
    }

    /// An unsigned push with `X-Forwarded-For`: refused, and counted under the address the hub took as the client's.
    static func refusedPush(_ hub: RunningHub, forwardedFor: String) async throws {
        let answer = try await CurlHTTPClient().send(OutgoingRequest(
            method: "POST", url: hub.baseURL + "/api/v1/records", headers: [("X-Forwarded-For", forwardedFor), ("Content-Type", "application/json")],
            body: Array("{}".utf8), timeoutSeconds: 10
        ))
        #expect(answer.status == 401, "\(answer.bodyText)")
    }

    /// The addresses of the audit log's refusal summaries.
    static func auditedAddresses(_ hub: RunningHub) async throws -> Set<String> {
        await hub.hub.writeRefusalSummaries()
        return Set(try await hub.store.auditEntries(limit: 100, action: "anonymous.refused").compactMap(\.address))
    }

    @Test("A trusted proxy's X-Forwarded-For is the audited address; a malformed one gives the proxy's")
    func honouredFromTrustedProxy() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.file("hub"), adjust: { configuration in
            configuration.trustedProxies = try! TrustedProxies(["127.0.0.1"])
        }) { hub in
            try await Self.refusedPush(hub, forwardedFor: "198.51.100.1, 203.0.113.7")
            #expect(try await Self.auditedAddresses(hub) == ["203.0.113.7"])
            try await Self.refusedPush(hub, forwardedFor: "203.0.113.7, definitely not an address")
            #expect(try await Self.auditedAddresses(hub) == ["203.0.113.7", "127.0.0.1"])
        }
    }

    @Test("X-Forwarded-For from a peer that is not a trusted proxy is ignored")
    func ignoredFromOthers() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.file("hub"), adjust: { configuration in
            configuration.trustedProxies = try! TrustedProxies(["10.0.0.0/8"])
        }) { hub in
            try await Self.refusedPush(hub, forwardedFor: "203.0.113.7")
            #expect(try await Self.auditedAddresses(hub) == ["127.0.0.1"])
        }
    }
}
