import Foundation
import Logging
import ShuniuClient
import ShuniuCore
import ShuniuPostgres
import ShuniuSimulation
import ShuniuStore
import ShuniuTesting

/// One round of `scale-out`: `instances` real `shuniu serve` processes on one store, a fast
/// local upstream every record is routed to, platforms pushing round-robin over the instances,
/// then one consumer reading the whole feed.
struct ScaleOutRound {
    enum Engine {
        case sqlite
        /// A fresh, empty database of `cluster` (its URL, without query) and the cluster's postmaster.
        case postgres(cluster: PostgresCluster, url: String, serverPID: pid_t)

        var name: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres: "PostgreSQL"
            }
        }
    }

    /// What one round measured.
    struct Figures {
        var engine: String
        var instances: Int
        var records: Int
        var ingestPerSecond: Double
        var batchLatency: LatencySummary
        var deliveryPerSecond: Double
        var feedPerSecond: Double
        var feedVersions: Int
        /// Each instance's CPU from the first push until the upstream held every record, in ms
        /// per 1,000 of the records pushed to that instance.
        var instanceCPUPerThousand: [Double]
        /// The database server's CPU over the same span, in ms per 1,000 records (nil: SQLite,
        /// whose work is inside the hub's process).
        var databaseCPUPerThousand: Double?
        /// This process's CPU (the signing, pushing clients and the upstream) over that span.
        var clientCPUPerThousand: Double
        /// The machine's one-minute load average at the end of that span, the round's own
        /// processes included: other work on the machine slows the throughput figures, not the CPU ones.
        var loadAverage: Double
        /// PostgreSQL's ingest lock while the platforms pushed (nil on SQLite).
        var ingestLock: IngestLockSampler.Load?
        /// The SQLite store's file, for the raw reference (nil on PostgreSQL).
        var sqliteFile: String?
    }

    let engine: Engine
    let instances: Int
    let options: BenchmarkOptions

    /// The consumer reading the feed; its grant has no personal data (500 records are masked).
    private static let consumerID = "scale-out-reader"

    func run(in folder: TemporaryDirectory) async throws -> Figures {
        let upstream = try await SimulatedUpstream.start()
        do {
            let figures = try await run(in: folder, upstream: upstream)
            try await upstream.stop()
            print("  \(engine.name) × \(instances): " + String(format: "ingest %.0f records/s, delivery %.0f records/s, feed %.0f versions/s",
                         figures.ingestPerSecond, figures.deliveryPerSecond, figures.feedPerSecond))
            return figures
        } catch {
            try? await upstream.stop()
            throw error
        }
    }

    private func run(in folder: TemporaryDirectory, upstream: SimulatedUpstream) async throws -> Figures {
        let keyFile = folder.file("audit.key")
        let dataDirs = (0..<instances).map { folder.file("hub-\($0)") }
        for dataDir in dataDirs { try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true) }
        let (credential, consumerSecret) = try await register(dataDir: dataDirs[0], keyFile: keyFile)
        var hubs: [(dataDir: String, logFile: String, config: String)] = []
        for (index, dataDir) in dataDirs.enumerated() {
            let config = folder.file("hub-\(index).yaml")
            try configuration(keyFile: keyFile, upstream: upstream).write(toFile: config, atomically: true, encoding: .utf8)
            hubs.append((dataDir, folder.file("hub-\(index).log"), config))
        }
        var figures = try await withHubs(hubs[...], started: []) { processes in
            try await measure(processes, credential: credential, consumerSecret: consumerSecret, upstream: upstream)
        }
        if case .sqlite = engine { figures.sqliteFile = dataDirs[0] + "/" + HubStore.fileName }
        return figures
    }

    /// The platform, the consumer and its grant, registered once through the ports before any
    /// instance starts; the audit key is made in `keyFile` and shared by every instance.
    private func register(dataDir: String, keyFile: String) async throws -> (PlatformCredential, String) {
        let store: any StoreEngine
        switch engine {
        case .sqlite:
            store = try HubStore(directory: dataDir, create: true, auditKeyFile: keyFile)
        case .postgres(_, let url, _):
            var logger = Logger(label: "shuniu-bench")
            logger.logLevel = .error
            store = try await PostgresStore.open(
                PostgresStoreConfiguration(url: url + "?sslmode=disable"), instance: "bench-setup", auditKeyFile: keyFile, logger: logger
            )
        }
        do {
            let credential = try await Fixtures.register(in: store, datasets: ["500"])
            let secret = "consumer-secret-\(UUID().uuidString)"
            let now = Date()
            try await store.addConsumer(
                Consumer(id: Self.consumerID, name: "上级平台 \(Self.consumerID)", appKey: "ck-\(Self.consumerID)", requestsPerMinute: 100_000, createdAt: now, updatedAt: now),
                secret: secret, by: "bench"
            )
            try await Fixtures.grant("500", to: Self.consumerID, in: store)
            try await close(store)
            return (credential, secret)
        } catch {
            try? await close(store)
            throw error
        }
    }

    private func close(_ store: any StoreEngine) async throws {
        if let postgres = store as? PostgresStore { await postgres.shutDown() } else { try store.close() }
    }

    /// Each instance's configuration file: the engine, the shared audit key, every record routed
    /// to the upstream (batches of 100, 2 in flight per instance).
    private func configuration(keyFile: String, upstream: SimulatedUpstream) -> String {
        var storage = "storage:\n  engine: sqlite\n"
        if case .postgres(_, let url, _) = engine {
            storage = "storage:\n  engine: postgres\n  postgres:\n    url: \(url)?sslmode=disable\n"
        }
        return storage + """
            paths:
              mappings: \(RepositoryPaths.mappings)
              certs: \(RepositoryPaths.certs)
            audit:
              keyFile: \(keyFile)
            destinations:
              - name: fast
                url: \(upstream.url)
                batchSize: 100
                concurrency: 2
            routes:
              - destination: fast

            """
    }

    /// Starts every hub in `rest`, then runs `body` with them all; each is stopped however it ends.
    private func withHubs<T: Sendable>(
        _ rest: ArraySlice<(dataDir: String, logFile: String, config: String)>, started: [HubProcess], _ body: ([HubProcess]) async throws -> T
    ) async throws -> T {
        guard let next = rest.first else { return try await body(started) }
        return try await HubProcess.withRunning(dataDir: next.dataDir, logFile: next.logFile, config: next.config) { hub in
            try await withHubs(rest.dropFirst(), started: started + [hub], body)
        }
    }

    private func measure(_ hubs: [HubProcess], credential: PlatformCredential, consumerSecret: String, upstream: SimulatedUpstream) async throws -> Figures {
        let clients = hubs.map { IngestClient(baseURL: $0.baseURL, credential: credential) }
        let batches = try (0..<options.batches).map { index in
            try Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1))
        }
        // Warm-up: one record through each instance, delivered, before anything is timed.
        for (index, client) in clients.enumerated() {
            let response = try await client.send(body: try Fixtures.batch(Fixtures.projects(count: 1, start: 990_000 + index)))
            guard response.status == 200 else { throw BenchmarkError("warm-up push: HTTP \(response.status) \(response.bodyText)") }
        }
        try await waitForUpstream(upstream, records: clients.count, within: .seconds(60))
        let records = options.batches * options.batchSize
        let expected = clients.count + records

        let hubCPUBefore = hubs.map { ProcessCPU.seconds(of: $0.process.pid) }
        let databaseCPUBefore = databasePID.map(ProcessCPU.seconds(ofTree:))
        let clientCPUBefore = ProcessCPU.seconds(of: getpid())
        let start = Date()
        let (latencies, ingestLock) = try await sampleIngestLock { try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<options.concurrency {
                group.addTask {
                    var mine: [Double] = []
                    for index in stride(from: worker, to: batches.count, by: options.concurrency) {
                        let sent = Date()
                        let response = try await clients[index % clients.count].send(body: batches[index])
                        guard response.status == 200 else { throw BenchmarkError("batch \(index): HTTP \(response.status) \(response.bodyText)") }
                        mine.append(Date().timeIntervalSince(sent))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        } }
        let ingestSeconds = Date().timeIntervalSince(start)
        try await waitForUpstream(upstream, records: expected, within: .seconds(240))
        let deliverySeconds = Date().timeIntervalSince(start)
        let hubCPU = zip(hubs, hubCPUBefore).map { ProcessCPU.seconds(of: $0.process.pid) - $1 }
        let databaseCPU = databasePID.map { ProcessCPU.seconds(ofTree: $0) - (databaseCPUBefore ?? 0) }
        let clientCPU = ProcessCPU.seconds(of: getpid()) - clientCPUBefore
        let loadAverage = ProcessCPU.loadAverage()

        let consumers = hubs.map { ConsumerClient(baseURL: $0.baseURL, appKey: "ck-\(Self.consumerID)", secret: consumerSecret) }
        let feed = try await readFeed(consumers)
        guard feed.versions == expected, feed.distinctKeys == expected else {
            throw BenchmarkError("the feed held \(feed.versions) versions of \(feed.distinctKeys) records; \(expected) were pushed")
        }
        // Records pushed to each instance (batches go round-robin).
        let pushed = hubs.indices.map { instance in Array(stride(from: instance, to: batches.count, by: hubs.count)).count * options.batchSize }
        let thousands = Double(records) / 1000
        return Figures(
            engine: engine.name, instances: hubs.count, records: records,
            ingestPerSecond: Double(records) / ingestSeconds, batchLatency: LatencySummary(seconds: latencies),
            deliveryPerSecond: Double(records) / deliverySeconds,
            feedPerSecond: Double(feed.versions) / feed.seconds, feedVersions: feed.versions,
            instanceCPUPerThousand: zip(hubCPU, pushed).map { $0 * 1000 / (Double($1) / 1000) },
            databaseCPUPerThousand: databaseCPU.map { $0 * 1000 / thousands },
            clientCPUPerThousand: clientCPU * 1000 / thousands, loadAverage: loadAverage, ingestLock: ingestLock
        )
    }

    /// Runs `push`, sampling PostgreSQL's ingest lock meanwhile (nil on SQLite).
    private func sampleIngestLock<T: Sendable>(_ push: () async throws -> T) async throws -> (T, IngestLockSampler.Load?) {
        guard case .postgres(let cluster, let url, _) = engine else { return (try await push(), nil) }
        let database = String(url.split(separator: "/").last ?? "")
        let (result, load) = try await IngestLockSampler.sampling(port: cluster.port, user: cluster.user, database: database, push)
        return (result, load)
    }

    private var databasePID: pid_t? {
        if case .postgres(_, _, let serverPID) = engine { return serverPID }
        return nil
    }

    /// Waits until the upstream has received `records` records in all, or throws after `limit`.
    private func waitForUpstream(_ upstream: SimulatedUpstream, records: Int, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while upstream.receivedRecords.count < records {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkError("the upstream received \(upstream.receivedRecords.count) of \(records) records within \(limit)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The whole feed, pages of 1,000, one consumer whose pages go round-robin over the instances.
    private func readFeed(_ consumers: [ConsumerClient]) async throws -> (versions: Int, distinctKeys: Int, seconds: Double) {
        var cursor = "0"
        var keys = Set<String>()
        var versions = 0
        let start = Date()
        for page in 0... {
            let response = try await consumers[page % consumers.count].feed(after: cursor, limit: 1000)
            guard response.status == 200, let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                  let items = body["versions"] as? [[String: Any]], let next = body["next"] as? String else {
                throw BenchmarkError("feed: HTTP \(response.status) \(response.bodyText.prefix(200))")
            }
            versions += items.count
            for item in items { if let key = item["key"] as? String { keys.insert(key) } }
            cursor = next
            if body["more"] as? Bool != true { break }
        }
        return (versions, keys.count, Date().timeIntervalSince(start))
    }
}
