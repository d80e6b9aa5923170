import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTesting
import Testing

@Suite("Configuration: destinations and routes")
struct DestinationConfigurationTests {
    @Test("Destinations and routes are read with their defaults, durations and secret file")
    func readsDestinations() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try "s3cret\n".write(toFile: folder.file("national.secret"), atomically: true, encoding: .utf8)
        let configuration = try HubConfiguration.parse("""
            destinations:
              - name: national
                kind: national-hub
                url: https://hub.example.invalid/api/records
                appKey: hub-42
                secretFile: \(folder.file("national.secret"))
                signatureMethod: HMAC-SM3
                retrySchedule: [5s, 5m, 2h, 1d]
                mode: latest-state
                batchSize: 20
              - name: wuhan
                kind: supervision
                url: http://127.0.0.1:9000/in
            routes:
              - destination: national
              - destination: wuhan
                regions: ["4201"]
                datasets: ["500", "501"]
                industries: E
            """, file: "hub.yaml")
        let national = try #require(configuration.destinations.first)
        #expect(national.kind == .nationalHub && national.secret == "s3cret" && national.signatureMethod == .hmacSM3)
        #expect(national.retrySchedule == [5, 300, 7200, 86400])
        #expect(national.mode == .latestState && national.batchSize == 20 && national.concurrency == 1)
        #expect(!String(describing: national).contains("s3cret"))
        let wuhan = configuration.destinations[1]
        #expect(wuhan.retrySchedule == Destination.defaultRetrySchedule && wuhan.timeoutSeconds == 30)
        let route = configuration.routing.routes[1]
        #expect(route.regionPrefixes == ["4201"] && route.datasets == ["500", "501"] && route.industryPrefixes == ["E"])
    }

    @Test("Mistakes in destinations and routes are each reported by key and line", arguments: [
        ("destinations:\n  - name: a\n    url: http://x\n    colour: red\n", "unknown key 'destinations[0].colour'"),
        ("destinations:\n  - url: http://x\n", "'destinations[0].name' is required"),
        ("destinations:\n  - name: a\n    url: ftp://x\n", "http or https"),
        ("destinations:\n  - name: Bad Name\n    url: http://x\n", "lower-case"),
        ("destinations:\n  - name: a\n    url: http://x\n    retrySchedule: [5s, soon]\n", "'soon' is not a duration"),
        ("destinations:\n  - name: a\n    url: http://x\n    mode: sometimes\n", "every-version, latest-state"),
        ("destinations:\n  - name: a\n    url: http://x\n    batchSize: 0\n", "'destinations[0].batchSize'"),
        ("destinations:\n  - name: a\n    url: http://x\n    appKey: k\n", "appKey and secretFile go together"),
        ("destinations:\n  - name: a\n    url: http://x\n    secretFile: /nonexistent\n", "cannot read /nonexistent"),
        ("destinations:\n  - name: a\n    url: http://x\n  - name: a\n    url: http://y\n", "defined twice"),
        ("routes:\n  - destination: nowhere\n", "not in 'destinations'"),
        ("destinations:\n  - name: a\n    url: http://x\nroutes:\n  - destination: a\n    regions: [\"4x\"]\n", "GB/T 2260 code prefix"),
        ("destinations:\n  - name: a\n    url: http://x\nroutes:\n  - destination: a\n    platforms: [e42]\n", "not a platform code"),
        ("destinations: national\n", "'destinations' must be a list"),
    ])
    func mistakes(yaml: String, message: String) throws {
        let error = try #require(throws: DiagnosticsError.self) { try HubConfiguration.parse(yaml, file: "hub.yaml") }
        #expect(error.diagnostics.contains { $0.message.contains(message) }, "\(error)")
    }

    @Test("A route matches only when every given filter does")
    func routeMatching() {
        let facts = RoutingFacts(dataset: "500", platform: Fixtures.platformID, regionCode: "420102", industryCode: "E47")
        #expect(Route(destination: "a").matches(facts))
        #expect(Route(destination: "a", datasets: ["500"], regionPrefixes: ["42"], industryPrefixes: ["E4"], platforms: [Fixtures.platformID]).matches(facts))
        #expect(!Route(destination: "a", datasets: ["501"]).matches(facts))
        #expect(!Route(destination: "a", regionPrefixes: ["4202"]).matches(facts))
        #expect(!Route(destination: "a", industryPrefixes: ["F"]).matches(facts))
        #expect(!Route(destination: "a", platforms: [Fixtures.otherPlatformID]).matches(facts))
        let noRegion = RoutingFacts(dataset: "503", platform: Fixtures.platformID, regionCode: nil, industryCode: nil)
        #expect(!Route(destination: "a", regionPrefixes: ["42"]).matches(noRegion))
        #expect(RoutingTable(routes: [Route(destination: "a"), Route(destination: "a", datasets: ["500"]), Route(destination: "b")])
            .destinations(for: facts) == ["a", "b"])
    }
}
