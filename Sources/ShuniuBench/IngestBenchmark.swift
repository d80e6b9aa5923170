import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting

/// Ingest throughput and batch latency through a real hub on loopback, beside the raw SQLite
/// insert rate for the same rows, all in one run.
struct IngestBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let hub = try await RunningHub.start(dataDir: folder.file("hub"))
        let credential = try await Fixtures.register(in: hub.store, datasets: ["500"])
        let client = hub.client(credential)

        let batches = try (0..<options.batches).map { index in
            try Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1))
        }
        // Warm up connections, caches and the JIT-less code paths with one small batch.
        _ = try await client.send(body: try Fixtures.batch(Fixtures.projects(count: 1, start: 999_000)))

        let start = Date()
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<options.concurrency {
                group.addTask {
                    var mine: [Double] = []
                    for index in stride(from: worker, to: batches.count, by: options.concurrency) {
                        let sent = Date()
                        let response = try await client.send(body: batches[index])
                        guard response.status == 200 else { throw TestHubError(message: "batch \(index): HTTP \(response.status) \(response.bodyText)") }
                        mine.append(Date().timeIntervalSince(sent))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let elapsed = Date().timeIntervalSince(start)
        let stored = try await hub.store.versionCount() - 1
        let memory = ProcessMemory.residentMiB()
        try await hub.stop()

        let referenceRows = try RawSQLiteReference.measure(batches: referenceBatches(from: folder.file("hub")), in: folder.path)
        let records = options.batches * options.batchSize
        let summary = LatencySummary(seconds: latencies)
        print("shuniu-bench ingest: \(options.batches) batches × \(options.batchSize) records, \(options.concurrency) concurrent clients, loopback")
        print(String(format: "  hub ingest:        %8.0f records/s  (%d stored in %.2f s)", Double(records) / elapsed, stored, elapsed))
        print(String(format: "  batch latency:     p50 %.1f ms  p99 %.1f ms  max %.1f ms", summary.percentile(50), summary.percentile(99), summary.percentile(100)))
        print(String(format: "  raw SQLite insert: %8.0f rows/s     (same rows, WAL, synchronous=FULL, %d rows per transaction)", referenceRows, options.batchSize))
        for (stage, perSecond) in try StageTimings.measure(records: 20_000) {
            print("  stage " + stage.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%8.0f records/s (one core, no HTTP, no SQLite)", perSecond))
        }
        print(String(format: "  process RSS:       %.0f MiB now, %.0f MiB peak (hub and clients in one process)", memory.current, memory.peak))
    }

    /// The rows the hub stored, grouped as they were sent, for the reference run.
    private func referenceBatches(from dataDir: String) throws -> [[RawSQLiteReference.Row]] {
        let rows = try RawSQLiteReference.rows(ofStoreAt: dataDir + "/" + HubStore.fileName)
        return stride(from: 0, to: rows.count, by: options.batchSize).map { Array(rows[$0..<min($0 + options.batchSize, rows.count)]) }
    }
}
