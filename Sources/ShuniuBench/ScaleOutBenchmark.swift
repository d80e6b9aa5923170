import Foundation
import ShuniuTesting

/// The same load on SQLite (one `shuniu serve`) and on PostgreSQL with 1, 2 and 3 `shuniu serve`
/// processes on one database, in one run on this machine: ingest, delivery and feed throughput,
/// and the CPU each instance and the database server spend per 1,000 records, from which the
/// throughput of more instances on more machines can be estimated.
struct ScaleOutBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let records = options.batches * options.batchSize
        print("shuniu-bench scale-out: \(options.batches) batches × \(options.batchSize) records, \(options.concurrency) concurrent clients, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, loopback; every record routed to one fast upstream")
        var rows: [ScaleOutRound.Figures] = []
        let sqlite = try await sqliteRound()
        rows.append(sqlite.figures)
        var postgresReference: Double?
        var postgresProblem: String?
        do {
            try await PostgresCluster.withRunning(durable: true) { cluster in
                let serverPID = try Self.postmasterPID(cluster)
                for instances in 1...3 {
                    let url = try await cluster.makeDatabase()
                    rows.append(try await round(.postgres(cluster: cluster, url: url, serverPID: serverPID), instances: instances))
                }
                // Last, so that its checkpoint and vacuum fall in no round's figures.
                let raw = try await cluster.makeDatabase()
                postgresReference = try await RawPostgresReference.measure(
                    batches: sqlite.referenceBatches, port: cluster.port, user: cluster.user, database: String(raw.split(separator: "/").last!)
                )
            }
        } catch {
            postgresProblem = "\(error)"
        }

        print("")
        print("ENGINE      INST  INGEST rec/s  BATCH p50/p99 ms  DELIVERY rec/s  FEED versions/s  CPU ms/1k rec PER INSTANCE  DB CPU ms/1k  CLIENT CPU ms/1k  LOAD")
        for row in rows {
            let perInstance = row.instanceCPUPerThousand.map { String(format: "%.0f", $0) }.joined(separator: " ")
            print(
                row.engine.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + String(format: "%4d  %12.0f  %7.1f / %-7.1f  %14.0f  %15.0f  ", row.instances,
                    row.ingestPerSecond, row.batchLatency.percentile(50), row.batchLatency.percentile(99), row.deliveryPerSecond, row.feedPerSecond)
                + perInstance.padding(toLength: 26, withPad: " ", startingAt: 0) + "  "
                + (row.databaseCPUPerThousand.map { String(format: "%12.0f", $0) } ?? "           —") + String(format: "  %16.0f  %4.1f", row.clientCPUPerThousand, row.loadAverage)
            )
        }
        print(String(format: "raw SQLite insert:     %6.0f rows/s (the same rows, WAL, synchronous=FULL, %d rows per transaction, no HTTP, no JSON)",
                     sqlite.reference, options.batchSize))
        if let postgresReference {
            print(String(format: "raw PostgreSQL insert: %6.0f rows/s (the same rows, one connection over loopback, %d rows per transaction)",
                         postgresReference, options.batchSize))
        }
        for row in rows {
            guard let lock = row.ingestLock else { continue }
            // The push time shared by the batches: how long each held the lock, on average.
            let heldPerBatch = lock.held * Double(records) / row.ingestPerSecond / Double(options.batches) * 1000
            print(String(format: "ingest lock, PostgreSQL × %d: held %.0f %% of the push time (%.1f ms a batch), %.1f batches waiting for it on average",
                         row.instances, lock.held * 100, heldPerBatch, lock.waiting))
        }
        if let postgresProblem { print("PostgreSQL rounds stopped: \(postgresProblem)") }
        print("""
            \(records) records a round (+1 warm-up record per instance). Ingest: pushes timed from the first to the last \
            acknowledgement; delivery: from the first push until the upstream held every record; feed: one \
            consumer, pages of 1,000 round-robin over the instances, masked. CPU from /proc over the push \
            and delivery span: each instance's per 1,000 records pushed to it; the database server's \
            (postmaster and backends) and this process's (clients and upstream) per 1,000 records in all. \
            PostgreSQL runs a throwaway cluster with its durable defaults (fsync, synchronous commit). \
            Instances, database and clients share this machine's cores; LOAD is its one-minute load \
            average at the end of the round, the round's own processes included.
            """)
    }

    /// One round in its own temporary folder.
    private func round(_ engine: ScaleOutRound.Engine, instances: Int) async throws -> ScaleOutRound.Figures {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        return try await ScaleOutRound(engine: engine, instances: instances, options: options).run(in: folder)
    }

    /// The SQLite round, with the raw SQLite insert rate of the rows it stored and those rows,
    /// grouped as they were sent, for the raw PostgreSQL reference.
    private func sqliteRound() async throws -> (figures: ScaleOutRound.Figures, reference: Double, referenceBatches: [[RawSQLiteReference.Row]]) {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let figures = try await ScaleOutRound(engine: .sqlite, instances: 1, options: options).run(in: folder)
        let rows = try RawSQLiteReference.rows(ofStoreAt: figures.sqliteFile ?? "")
        let batches = stride(from: 0, to: rows.count, by: options.batchSize).map { Array(rows[$0..<min($0 + options.batchSize, rows.count)]) }
        return (figures, try RawSQLiteReference.measure(batches: batches, in: folder.path), batches)
    }

    /// The postmaster's process id: the first line of the cluster's postmaster.pid.
    private static func postmasterPID(_ cluster: PostgresCluster) throws -> pid_t {
        let text = try String(contentsOfFile: cluster.folder + "/data/postmaster.pid", encoding: .utf8)
        guard let line = text.split(separator: "\n").first, let pid = pid_t(line.trimmingCharacters(in: .whitespaces)) else {
            throw BenchmarkError("no process id in \(cluster.folder)/data/postmaster.pid")
        }
        return pid
    }
}
