import Foundation
import GRDB
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuStore
import ShuniuTesting

/// Delivery figures: deliveries/s to a fast local upstream (batches of 100), time from ingest
/// acknowledgement to upstream receipt under steady load, and ingest throughput and memory with
/// a large backlog pending beside none.
struct DeliveryBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let upstream = try await SimulatedUpstream.start()
        defer { Task { try? await upstream.stop() } }
        try await drainRate(upstream)
        try await steadyLatency(upstream)
        try await backlogImpact()
    }

    private func hub(in folder: TemporaryDirectory, upstream: SimulatedUpstream, extra: [Destination] = []) async throws -> RunningHub {
        try await RunningHub.start(dataDir: folder.file("hub")) { configuration in
            configuration.destinations = [Destination(name: "fast", url: upstream.url, batchSize: 100, concurrency: 2)] + extra
            configuration.routing = RoutingTable(routes: ([Destination(name: "fast", url: "")] + extra).map { Route(destination: $0.name) })
        }
    }

    /// Fill the queue while paused, resume, time the drain.
    private func drainRate(_ upstream: SimulatedUpstream) async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let hub = try await hub(in: folder, upstream: upstream)
        let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
        try await hub.store.setDestinationPaused("fast", paused: true, by: "bench", reason: nil)
        let records = options.batches * options.batchSize
        for index in 0..<options.batches {
            _ = try await client.send(body: Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1)))
        }
        let before = upstream.receivedRecords.count
        let start = Date()
        try await hub.store.setDestinationPaused("fast", paused: false, by: "bench", reason: nil)
        while upstream.receivedRecords.count - before < records { try await Task.sleep(for: .milliseconds(10)) }
        let elapsed = Date().timeIntervalSince(start)
        print(String(format: "  delivery drain:    %8.0f deliveries/s  (%d queued records, batches of 100, 2 in flight)", Double(records) / elapsed, records))
        try await hub.stop()
    }

    /// Push at a steady pace and measure acknowledgement → upstream receipt per record.
    private func steadyLatency(_ upstream: SimulatedUpstream) async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let hub = try await hub(in: folder, upstream: upstream)
        let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
        var acknowledged: [String: ContinuousClock.Instant] = [:]
        let batches = min(options.batches, 100)
        for index in 0..<batches {
            let records = try Fixtures.projects(count: 10, start: 500_000 + index * 10)
            _ = try await client.send(body: Fixtures.batch(records))
            let now = ContinuousClock.now
            for record in records { acknowledged[((record["data"] as! [String: Any])["PROJECT_CODE"] as! String)] = now }
            try await Task.sleep(for: .milliseconds(50))  // 200 records/s, steady
        }
        try await Task.sleep(for: .seconds(1))
        var latencies: [Double] = []
        for received in upstream.received {
            for record in received.records {
                if let acked = acknowledged[record.key] {
                    let delay = received.at - acked
                    latencies.append(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                }
            }
        }
        let summary = LatencySummary(seconds: latencies.map { max(0, $0) })
        print(String(format: "  ack → upstream:    p50 %.1f ms  p99 %.1f ms  (%d records at 200/s; workers woken by ingest)", summary.percentile(50), summary.percentile(99), latencies.count))
        try await hub.stop()
    }

    /// Ingest throughput with `backlog` deliveries pending for a paused destination, beside none.
    private func backlogImpact() async throws {
        let backlog = 1_000_000
        for pending in [0, backlog] {
            let folder = try TemporaryDirectory(prefix: "shuniu-bench")
            defer { folder.remove() }
            let upstream = try await SimulatedUpstream.start()
            let hub = try await hub(in: folder, upstream: upstream, extra: [Destination(name: "backlog", url: upstream.url)])
            try await hub.store.setDestinationPaused("backlog", paused: true, by: "bench", reason: nil)
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
            _ = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 900_000)))
            if pending > 0 {
                let seeded = Date()
                let queue = try DatabaseQueue(path: hub.sqliteStore!.path)
                try await queue.write { db in
                    let (version, record) = try Row.fetchOne(db, sql: "SELECT id, record_id FROM record_version LIMIT 1").map { ($0[0] as Int64, $0[1] as Int64) }!
                    try db.execute(sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO delivery (destination, version_id, record_id, state, enqueued_at, next_attempt_at)
                        SELECT 'backlog', ?, ?, 'pending', ?, ? FROM n
                        """, arguments: [pending - 1, version, record, Date().timeIntervalSince1970, Date().timeIntervalSince1970])
                }
                try queue.close()
                print(String(format: "  (seeded %d pending deliveries in %.1f s)", pending, Date().timeIntervalSince(seeded)))
            }
            let queuesStart = Date()
            let stats = try await hub.store.queueStats(destinations: ["backlog"])
            let queuesTime = Date().timeIntervalSince(queuesStart)
            let start = Date()
            let batches = min(options.batches, 100)
            for index in 0..<batches {
                _ = try await client.send(body: Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1)))
            }
            let rate = Double(batches * options.batchSize) / Date().timeIntervalSince(start)
            let memory = ProcessMemory.residentMiB()
            print(String(format: "  backlog %7d:   ingest %6.0f records/s, queue stats in %.1f ms (%d pending), RSS %.0f MiB",
                         pending, rate, queuesTime * 1000, stats[0].pending, memory.current))
            try await hub.stop()
            try await upstream.stop()
        }
    }
}
