import Foundation
import GRDB
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting

/// The pull side through a real hub on loopback: feed throughput to one consumer in pages of
/// 1,000 beside the raw SQLite read of the same rows, and the time from a platform's ingest
/// acknowledgement to a long-polling consumer's receipt.
struct FeedBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let hub = try await RunningHub.start(dataDir: folder.file("hub"))
        let platform = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
        let consumer = try await Fixtures.registerConsumer(on: hub)

        // Load: batches × batch size versions, pushed as a platform would.
        for index in 0..<options.batches {
            let response = try await platform.send(body: try Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1)))
            guard response.status == 200 else { throw TestHubError(message: "load batch \(index): HTTP \(response.status)") }
        }
        let total = try await hub.store.versionCount()

        // Throughput: the whole feed, pages of 1,000, one consumer, signed requests — as a
        // consumer without a grant for personal data (every 500 record is masked) and as one with
        // it. A first pass warms the caches, so that neither pays for the first read from disk.
        let unmaskedConsumer = try await Fixtures.registerConsumer("unmasked-reader", on: hub)
        try await Fixtures.grant("500", to: "unmasked-reader", personalData: true, in: hub.store)
        _ = try await readAll(unmaskedConsumer)
        let masked = try await readAll(consumer)
        let unmasked = try await readAll(unmaskedConsumer)

        // Latency: a consumer long-polls at the head; a platform pushes one record at a time.
        let head = String(try await hub.sqliteStore!.latestSequence())
        let latencies = try await ackToReceipt(platform: platform, consumer: consumer, after: head, count: options.latencySamples)
        let memory = ProcessMemory.residentMiB()
        try await hub.stop()
        let ceiling = try rawRead(store: folder.file("hub") + "/" + HubStore.fileName)

        print("shuniu-bench feed: \(total) versions, one consumer, pages of 1,000, loopback")
        for (name, run) in [("masked", masked), ("unmasked", unmasked)] {
            print("  feed, \(name.padding(toLength: 9, withPad: " ", startingAt: 0)):" + String(format: "%8.0f versions/s  (%d in %.2f s, %d pages; page p50 %.1f ms, p99 %.1f ms)",
                         Double(run.versions) / run.seconds, run.versions, run.seconds, run.pages.sorted.count, run.pages.percentile(50), run.pages.percentile(99)))
        }
        print(String(format: "  raw SQLite read:   %8.0f rows/s     (same rows, SELECT * by id in pages of 1,000, no JSON, no HTTP)", ceiling))
        let summary = LatencySummary(seconds: latencies)
        print(String(format: "  ack → receipt:     p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%d pushes, long-poll wait=30s)",
                     summary.percentile(50), summary.percentile(99), summary.percentile(100), latencies.count))
        print(String(format: "  process RSS:       %.0f MiB now, %.0f MiB peak (hub and clients in one process)", memory.current, memory.peak))
    }

    /// Reads the whole feed in pages of 1,000; the reader parses each page as a consumer would.
    private func readAll(_ consumer: ConsumerClient) async throws -> (versions: Int, seconds: Double, pages: LatencySummary) {
        var cursor = "0"
        var received = 0
        var pageSeconds: [Double] = []
        let start = Date()
        while true {
            let sent = Date()
            let response = try await consumer.feed(after: cursor, limit: 1000)
            pageSeconds.append(Date().timeIntervalSince(sent))
            guard response.status == 200, let page = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                  let versions = page["versions"] as? [Any], let next = page["next"] as? String else {
                throw TestHubError(message: "feed: HTTP \(response.status) \(response.bodyText.prefix(200))")
            }
            received += versions.count
            cursor = next
            if page["more"] as? Bool != true { break }
        }
        return (received, Date().timeIntervalSince(start), LatencySummary(seconds: pageSeconds))
    }

    /// For each push: seconds from the platform's 2xx to the consumer holding the version
    /// (0 when the long-poll answered first).
    private func ackToReceipt(platform: IngestClient, consumer: ConsumerClient, after start: String, count: Int) async throws -> [Double] {
        let receipts = ReceiptLog()
        let polling = Task {
            var cursor = start
            while !Task.isCancelled {
                guard let response = try? await consumer.feed(after: cursor, limit: 1000, waitSeconds: 30, timeoutSeconds: 40), response.status == 200,
                      let page = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                      let next = page["next"] as? String else { continue }
                let now = Date()
                for version in page["versions"] as? [[String: Any]] ?? [] {
                    if let key = version["key"] as? String { await receipts.record(key, at: now) }
                }
                cursor = next
            }
        }
        var acknowledged: [String: Date] = [:]
        for index in 0..<count {
            let number = 900_000 + index
            let response = try await platform.send(body: try Fixtures.batch(Fixtures.projects(count: 1, start: number)))
            guard response.status == 200 else { throw TestHubError(message: "push \(index): HTTP \(response.status)") }
            acknowledged[Fixtures.platformID.rawValue + String(format: "%06d", number)] = Date()
            try await Task.sleep(for: .milliseconds(20))
        }
        for _ in 0..<200 where await receipts.count < count { try await Task.sleep(for: .milliseconds(50)) }
        polling.cancel()
        let received = await receipts.times
        return acknowledged.compactMap { key, ack in received[key].map { max(0, $0.timeIntervalSince(ack)) } }
    }

    /// The ceiling: the same rows read straight from SQLite in pages of 1,000.
    private func rawRead(store path: String) throws -> Double {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let start = Date()
            var after: Int64 = 0
            var rows = 0
            while true {
                let page = try Row.fetchAll(db, sql: "SELECT * FROM record_version WHERE id > ? ORDER BY id LIMIT 1000", arguments: [after])
                guard let last = page.last else { break }
                rows += page.count
                after = last["id"]
            }
            return Double(rows) / Date().timeIntervalSince(start)
        }
    }
}

/// When each key reached the consumer.
private actor ReceiptLog {
    var times: [String: Date] = [:]
    var count: Int { times.count }

    func record(_ key: String, at instant: Date) {
        if times[key] == nil { times[key] = instant }
    }
}
