import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuPostgres
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Synchronization
import Testing

/// Three real `shuniu serve` processes on one PostgreSQL database, as a provincial hub runs them
/// behind a load balancer: platforms push to any of them, a superior hub reads the feed from any
/// of them, deliveries go out from all three, and instances die without warning.
@Suite("Three hub instances on one PostgreSQL database", .postgresCluster)
struct PostgresThreeInstanceTests {
    /// A version as the feed or an upstream names it.
    struct VersionName: Hashable, CustomStringConvertible {
        var key: String
        var version: Int
        var description: String { "\(key)|v\(version)" }
    }

    @Test("Pushes to three instances and a feed read across them: nothing lost, repeated or out of order; each version delivered once per key, in order per record; the same after SIGKILL mid-delivery and mid-ingest")
    func threeInstances() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try await PostgresTestDatabase.make()
        let keyFile = folder.file("audit.key")
        let storeConfiguration = try PostgresStoreConfiguration(url: database.url + "?sslmode=disable")

        // The operator's part, once, through the ports: the platform, the superior hub and its grant.
        let setup = try await PostgresStore.open(
            storeConfiguration, auditKeyFile: keyFile, logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
        )
        let credential: PlatformCredential
        let consumerSecret = "consumer-secret-\(UUID().uuidString)"
        do {
            credential = try await Fixtures.register(in: setup)
            let now = Date()
            try await setup.addConsumer(
                Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national-hub", requestsPerMinute: 100_000, createdAt: now, updatedAt: now),
                secret: consumerSecret, by: "test"
            )
            try await Fixtures.grant("500", in: setup)
        } catch {
            await setup.shutDown()
            throw error
        }
        await setup.shutDown()

        let upstream = try await SimulatedUpstream.start()
        // Slow answers keep deliveries in flight, so that a kill finds some claimed.
        upstream.behave(.hang(.seconds(2)))
        let config = folder.file("hub.yaml")
        try """
            storage:
              engine: postgres
              postgres:
                url: \(database.url)?sslmode=disable
                poolSize: 4
                leaseSeconds: 10
            audit:
              keyFile: \(keyFile)
            destinations:
              - name: national
                url: \(upstream.url)
                batchSize: 10
                concurrency: 2
                retrySchedule: [1s, 1s, 1s, 1s, 1s]
            routes:
              - destination: national
            """.write(toFile: config, atomically: true, encoding: .utf8)
        for name in ["a", "b", "c"] {
            try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
        }

        try await HubProcess.withRunning(dataDir: folder.file("a"), logFile: folder.file("a.log"), config: config) { a in
            try await HubProcess.withRunning(dataDir: folder.file("b"), logFile: folder.file("b.log"), config: config) { b in
                try await HubProcess.withRunning(dataDir: folder.file("c"), logFile: folder.file("c.log"), config: config) { c in
                    try await Self.exercise(a: a, b: b, c: c, upstream: upstream, credential: credential, consumerSecret: consumerSecret)
                    // The killed instance's claims, sent but never acknowledged to it, are the
                    // survivor's once their lease is out: every delivery ends delivered.
                    let store = try await PostgresStore.open(
                        storeConfiguration, auditKeyFile: keyFile, logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
                    )
                    var stats: QueueStats?
                    let settled = await eventually(timeout: .seconds(90)) {
                        stats = try? await store.queueStats(destinations: ["national"]).first
                        return stats.map { $0.pending + $0.inFlight + $0.retrying + $0.dead == 0 && $0.delivered > 360 } ?? false
                    }
                    let versions = try await store.versionCount()
                    await store.shutDown()
                    #expect(settled, "\(String(describing: stats))")
                    #expect(stats?.delivered == versions, "\(String(describing: stats)), \(versions) versions")
                    try await b.stop(signal: SIGTERM)
                }
            }
        }
        try await upstream.stop()

        // The chain the three wrote together is one, and intact.
        let reopened = try await PostgresStore.open(
            storeConfiguration, auditKeyFile: keyFile, logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
        )
        let report = try await reopened.verifyAudit()
        await reopened.shutDown()
        #expect(report.intact, "\(report)")
    }

    /// Pushes, reads and kills as the test's title says; the checks on what arrived.
    static func exercise(
        a: HubProcess, b: HubProcess, c: HubProcess, upstream: SimulatedUpstream, credential: PlatformCredential, consumerSecret: String
    ) async throws {
        var acknowledged = Set<VersionName>()
        let instances = [a, b, c]
        // New records through each instance in turn, then a second version of the
        // first 120 through another instance than the first version's.
        for batch in 0..<6 {
            let records = try Fixtures.projects(count: 40, start: batch * 40 + 1)
            acknowledged.formUnion(try await Self.push(records, to: instances[batch % 3], as: credential))
        }
        for batch in 0..<3 {
            let records = try Self.renamed(Fixtures.projects(count: 40, start: batch * 40 + 1))
            acknowledged.formUnion(try await Self.push(records, to: instances[(batch + 1) % 3], as: credential))
        }
        #expect(acknowledged.count == 360)

        // The superior hub reads on from one instance to the next, cursor in hand.
        let readers = instances.map { ConsumerClient(baseURL: $0.baseURL, appKey: "ck-national-hub", secret: consumerSecret) }
        let feed = try await Self.readFeed(through: readers)
        Self.expectWhole(feed, holding: acknowledged)

        // Mid-delivery: instance a dies with claims in flight.
        #expect(await eventually(timeout: .seconds(60)) { upstream.received.count >= 3 })
        try await a.stop(signal: SIGKILL)

        // Mid-ingest: instance c dies while a platform pushes to it batch after batch.
        let pushing = AcknowledgedVersions()
        let stream = Task {
            for batch in 0..<20 {
                let records = try Fixtures.projects(count: 25, start: 1_000 + batch * 25)
                pushing.add(try await Self.push(records, to: c, as: credential, expectingSuccess: false))
            }
        }
        #expect(await eventually(timeout: .seconds(60)) { pushing.count >= 50 })
        try await c.stop(signal: SIGKILL)
        _ = await stream.result
        acknowledged.formUnion(pushing.all)

        // The survivor takes over every claim once its lease is out and delivers the rest.
        upstream.behave(.accept)
        let all = try await Self.readFeed(through: [readers[1]])
        Self.expectWhole(all, holding: acknowledged)
        let stored = Set(all.map { VersionName(key: $0.key, version: $0.version) })
        let delivered = await eventually(timeout: .seconds(120)) {
            Set(upstream.receivedRecords.map { VersionName(key: $0.key, version: $0.version) }).isSuperset(of: stored)
        }
        #expect(delivered, "\(stored.subtracting(upstream.receivedRecords.map { VersionName(key: $0.key, version: $0.version) }).count) versions not delivered")
        Self.expectDeliveredOncePerKeyInOrder(upstream.receivedRecords)
    }

    /// Pushes one batch; the versions the instance acknowledged as stored.
    static func push(
        _ records: [[String: Any]], to hub: HubProcess, as credential: PlatformCredential, expectingSuccess: Bool = true
    ) async throws -> Set<VersionName> {
        let response: ReceivedResponse
        do {
            response = try await IngestClient(baseURL: hub.baseURL, credential: credential).send(body: Fixtures.batch(records))
        } catch {
            // An instance killed mid-request answers nothing: nothing was acknowledged.
            if expectingSuccess { throw error }
            return []
        }
        if expectingSuccess { #expect(response.status == 200, "\(response.bodyText)") }
        guard response.status == 200 else { return [] }
        let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
        return Set(answer.results.filter { $0.status == "accepted" }.compactMap { result in
            result.key.flatMap { key in result.version.map { VersionName(key: key, version: $0) } }
        })
    }

    /// The same records with another name: their next version.
    static func renamed(_ records: [[String: Any]]) -> [[String: Any]] {
        records.map { record in
            var record = record
            var data = record["data"] as! [String: Any]
            data["PROJECT_NAME"] = "\(data["PROJECT_NAME"] as! String)(更正)"
            record["data"] = data
            return record
        }
    }

    /// The whole feed, each page read from the next reader in turn.
    static func readFeed(through readers: [ConsumerClient]) async throws -> [FeedTests.Page.Version] {
        var cursor = "0"
        var versions: [FeedTests.Page.Version] = []
        for page in 0..<500 {
            let answer = try FeedTests.page(try await readers[page % readers.count].feed(after: cursor, limit: 25))
            versions += answer.versions
            cursor = answer.next
            if !answer.more { break }
        }
        return versions
    }

    /// The feed holds every acknowledged version, each once, in strictly rising sequence.
    static func expectWhole(_ feed: [FeedTests.Page.Version], holding acknowledged: Set<VersionName>, sourceLocation: SourceLocation = #_sourceLocation) {
        let names = feed.map { VersionName(key: $0.key, version: $0.version) }
        #expect(Set(names).count == names.count, "a version came twice", sourceLocation: sourceLocation)
        #expect(zip(feed, feed.dropFirst()).allSatisfy { $0.sequence < $1.sequence }, "the feed went back", sourceLocation: sourceLocation)
        let missing = acknowledged.subtracting(names)
        #expect(missing.isEmpty, "acknowledged but not in the feed: \(missing.prefix(5))", sourceLocation: sourceLocation)
        // Within a record, versions come in their order.
        var latest: [String: Int] = [:]
        for name in names {
            #expect((latest[name.key] ?? 0) < name.version, "\(name) after v\(latest[name.key] ?? 0)", sourceLocation: sourceLocation)
            latest[name.key] = name.version
        }
    }

    /// Each version carries one idempotency key, however often it arrived; a record's versions
    /// first arrived in their order.
    static func expectDeliveredOncePerKeyInOrder(_ received: [(idempotencyKey: String, key: String, version: Int)]) {
        let keys = Dictionary(grouping: received) { VersionName(key: $0.key, version: $0.version) }.mapValues { Set($0.map(\.idempotencyKey)) }
        #expect(keys.values.allSatisfy { $0.count == 1 }, "a version was sent under two idempotency keys")
        var firstSeen: [String: Int] = [:]
        var seen = Set<VersionName>()
        for record in received where seen.insert(VersionName(key: record.key, version: record.version)).inserted {
            #expect((firstSeen[record.key] ?? 0) < record.version, "\(record.key) v\(record.version) arrived after v\(firstSeen[record.key] ?? 0)")
            firstSeen[record.key] = record.version
        }
    }
}

/// Versions acknowledged by a push stream running beside the test.
private final class AcknowledgedVersions: Sendable {
    private let versions = Mutex(Set<PostgresThreeInstanceTests.VersionName>())
    func add(_ more: Set<PostgresThreeInstanceTests.VersionName>) { versions.withLock { $0.formUnion(more) } }
    var count: Int { versions.withLock { $0.count } }
    var all: Set<PostgresThreeInstanceTests.VersionName> { versions.withLock { $0 } }
}
