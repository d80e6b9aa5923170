import Foundation
import Logging
import PostgresNIO
import ShuniuPostgres

/// How busy PostgreSQL's ingest lock is while instances push: every batch is written under one
/// transaction advisory lock (PostgresStore's ingest lock), so when it is held nearly all the
/// time, more instances cannot ingest faster. Sampled from `pg_locks` every 20 ms.
enum IngestLockSampler {
    /// Share of samples in which an instance held the lock, and the mean number of transactions
    /// waiting for it.
    struct Load: Sendable {
        var held: Double
        var waiting: Double
    }

    /// The ingest lock's key, as the PostgreSQL engine takes it.
    static let ingestLock = PostgresStore.ingestLock

    /// Transactions holding the ingest lock now, and waiting for it; nil once the client is gone.
    private static func sample(_ client: PostgresClient, logger: Logger) async -> (Int, Int)? {
        // A bigint advisory key is split in pg_locks: its high half in classid, its low half in objid.
        let query: PostgresQuery = """
            SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted) FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = \(ingestLock)
            """
        do {
            for try await (holders, waiters) in try await client.query(query, logger: logger).decode((Int64, Int64).self) {
                return (Int(holders), Int(waiters))
            }
        } catch {}
        return nil
    }

    /// Runs `work` while sampling the lock in `database` of the cluster on loopback `port`.
    static func sampling<T: Sendable>(port: Int, user: String, database: String, _ work: () async throws -> T) async throws -> (T, Load) {
        try await BenchDatabase.withClient(port: port, user: user, database: database) { client, logger in
            try await sampling(client, logger: logger, work)
        }
    }

    private static func sampling<T: Sendable>(_ client: PostgresClient, logger: Logger, _ work: () async throws -> T) async throws -> (T, Load) {
        let sampler = Task<Load, Never> {
            var samples = 0
            var held = 0
            var waiting = 0
            while !Task.isCancelled, let (holders, waiters) = await sample(client, logger: logger) {
                samples += 1
                held += holders > 0 ? 1 : 0
                waiting += waiters
                try? await Task.sleep(for: .milliseconds(20))
            }
            return Load(held: Double(held) / Double(max(samples, 1)), waiting: Double(waiting) / Double(max(samples, 1)))
        }
        let result: T
        do {
            result = try await work()
        } catch {
            sampler.cancel()
            throw error
        }
        sampler.cancel()
        return (result, await sampler.value)
    }
}
