import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// The feed through a real hub on loopback: cursors, filters, long-poll, restarts.
@Suite("Feed: record versions in commit order for superior hubs")
struct FeedTests {
    struct Page: Decodable {
        struct Version: Decodable {
            var sequence: Int64
            var dataset: String
            var key: String
            var version: Int
            var regionCode: String?
            var sourcePlatform: String
            var contentHash: String
            var data: [String: String]
            /// The fields masked for this reader, when any were.
            var masked: [String]?
        }

        var versions: [Version]
        var next: String
        var more: Bool
    }

    static func page(_ response: ReceivedResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> Page {
        #expect(response.status == 200, "\(response.bodyText)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(Page.self, from: Data(response.body))
    }

    /// Reads the whole feed from `after` in pages of `limit`.
    static func drain(_ consumer: ConsumerClient, after: String = "0", datasets: [String]? = nil, region: String? = nil,
                      platform: String? = nil, limit: Int) async throws -> (versions: [Page.Version], next: String) {
        var cursor = after
        var versions: [Page.Version] = []
        for _ in 0..<1000 {
            let page = try page(try await consumer.feed(after: cursor, datasets: datasets, region: region, platform: platform, limit: limit))
            #expect(page.versions.count <= limit)
            versions += page.versions
            cursor = page.next
            if !page.more { break }
        }
        return (versions, cursor)
    }

    @Test("Pages follow commit order with a keyset cursor: no gap, no repeat; filters by dataset, region and platform")
    func pagesAndFilters() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let platform = hub.client(try await Fixtures.register(in: hub.store))
            let other = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store))
            #expect(try await platform.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            for start in stride(from: 1, to: 30, by: 10) {
                #expect(try await platform.send(body: Fixtures.batch(Fixtures.projects(count: 10, start: start))).status == 200)
            }
            #expect(try await other.send(body: Fixtures.batch(Fixtures.projects(count: 5, start: 1, platform: Fixtures.otherPlatformID))).status == 200)
            let consumer = try await Fixtures.registerConsumer(on: hub)

            let all = try await Self.drain(consumer, limit: 7)
            #expect(all.versions.count == 39)
            let sequences = all.versions.map(\.sequence)
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
            let stored = try await hub.store.versions(dataset: "502", key: "E4201000001000001001001")
            let section = try #require(all.versions.first { $0.dataset == "502" })
            #expect(section.sequence == stored[0].sequence && section.contentHash == stored[0].contentHash)
            #expect(section.data["CONTRACT_RECKON_PRICE"] == "35800000")
            // At the end, the cursor stays put and the page is empty.
            let end = try Self.page(try await consumer.feed(after: all.next))
            #expect(end.versions.isEmpty && end.next == all.next && !end.more)

            #expect(try await Self.drain(consumer, datasets: ["502", "503"], limit: 100).versions.map(\.dataset).sorted() == ["502", "503"])
            let fromOther = try await Self.drain(consumer, platform: Fixtures.otherPlatformID.rawValue, limit: 2)
            #expect(fromOther.versions.count == 5 && fromOther.versions.allSatisfy { $0.sourcePlatform == Fixtures.otherPlatformID.rawValue })
            let wuhan = try await Self.drain(consumer, region: "4201", limit: 100)
            #expect(!wuhan.versions.isEmpty && wuhan.versions.allSatisfy { $0.regionCode?.hasPrefix("4201") == true })
            #expect(try await Self.drain(consumer, region: "11", limit: 100).versions.isEmpty)

            // From the middle: exactly the rest.
            let middle = String(sequences[19])
            #expect(try await Self.drain(consumer, after: middle, limit: 1000).versions.map(\.sequence) == Array(sequences[20...]))
        }
    }

    @Test("Bad parameters are refused by name", arguments: [
        ("after=-1", "after"), ("after=abc", "after"), ("limit=0", "limit"), ("limit=1001", "limit"), ("wait=31s", "wait"),
        ("region=4x", "region"), ("platform=e42", "platform"), ("datasets=", "datasets"), ("datasets=500,999", "datasets"),
        ("colour=red", "colour"), ("after=5000", "after"),
    ])
    func badParameters(query: String, name: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let consumer = try await Fixtures.registerConsumer(on: hub)
            let response = try await consumer.get("/api/v1/feed?" + query)
            #expect(response.status == 400, "\(response.bodyText)")
            #expect(response.bodyText.contains("read.bad_query") && response.bodyText.contains(name), "\(response.bodyText)")
        }
    }

    @Test("Long-poll: an empty page is held open and answered within a second of a commit")
    func longPoll() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let platform = hub.client(try await Fixtures.register(in: hub.store))
            let consumer = try await Fixtures.registerConsumer(on: hub)

            // Nothing comes: the poll returns the same cursor after the wait.
            let clock = ContinuousClock()
            let quietStart = clock.now
            let quiet = try Self.page(try await consumer.feed(after: "0", waitSeconds: 1))
            #expect(quiet.versions.isEmpty && quiet.next == "0")
            #expect(clock.now - quietStart >= .milliseconds(900))

            let poll = Task { try await consumer.feed(after: "0", waitSeconds: 20) }
            try await Task.sleep(for: .milliseconds(300))
            let pushed = clock.now
            #expect(try await platform.send(body: Fixtures.batch(Fixtures.projects(count: 1))).status == 200)
            let answered = try Self.page(try await poll.value)
            let latency = clock.now - pushed
            #expect(answered.versions.map(\.key) == ["E4201000001000001"])
            // Serial behaviour would take the whole 20 s wait; a loaded machine stays far below 10 s.
            #expect(latency < .seconds(10), "\(latency)")
        }
    }

    @Test("A superior hub pulls through two hub restarts and concurrent pushes without a gap or a repeat")
    func superiorHubThroughRestarts() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var hub = try await RunningHub.start(dataDir: folder.path)
        let credential = try await Fixtures.register(in: hub.store)
        let otherCredential = try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store)
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let superior = SimulatedSuperiorHub(client: consumer, cursorFile: folder.path + "/superior.cursor")
        let pulling = Task { await superior.run(limit: 50, waitSeconds: 2) }

        var number = 1
        for round in 0..<3 {
            // Two platforms push at once while the superior hub pulls.
            let start = number
            let (one, two) = (hub.client(credential), hub.client(otherCredential))
            async let first: Void = Self.push(one, from: start, batches: 4, platform: Fixtures.platformID)
            async let second: Void = Self.push(two, from: start, batches: 4, platform: Fixtures.otherPlatformID)
            _ = try await (first, second)
            number += 4 * 5
            if round < 2 {
                try await hub.stop()
                hub = try await RunningHub.start(dataDir: folder.path)
                await superior.follow(baseURL: hub.baseURL)
            }
        }
        let total = try await hub.store.versionCount()
        #expect(total == 120)
        #expect(await eventually(timeout: .seconds(30)) { await superior.received.count >= total })
        pulling.cancel()
        _ = await pulling.value
        let received = await superior.received
        #expect(received.count == total)
        #expect(Set(received.map(\.sequence)).count == received.count)
        #expect(received.map(\.sequence) == received.map(\.sequence).sorted())
        #expect(Set(received.map { "\($0.dataset)/\($0.key)" }).count == 120)
        try await hub.stop()
    }

    static func push(_ client: IngestClient, from start: Int, batches: Int, platform: PlatformID) async throws {
        for batch in 0..<batches {
            let response = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 5, start: start + batch * 5, platform: platform)))
            #expect(response.status == 200, "\(response.bodyText)")
        }
    }
}
