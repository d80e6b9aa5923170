import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL ceiling beside ``RawSQLiteReference``: the same rows inserted straight into a
/// table of an empty database, one transaction per batch, one connection, no hub.
enum RawPostgresReference {
    /// Rows per second; `port` and `database` name the cluster's database, reached over loopback.
    static func measure(batches: [[RawSQLiteReference.Row]], port: Int, user: String, database: String) async throws -> Double {
        try await BenchDatabase.withClient(port: port, user: user, database: database) { client, logger in
            try await measure(batches: batches, client: client, logger: logger)
        }
    }

    private static func measure(batches: [[RawSQLiteReference.Row]], client: PostgresClient, logger: Logger) async throws -> Double {
        try await client.query("""
            CREATE TABLE version (
                id BIGSERIAL PRIMARY KEY, dataset TEXT NOT NULL, business_key TEXT NOT NULL,
                raw_payload TEXT NOT NULL, normalized_payload TEXT NOT NULL, content_hash TEXT NOT NULL,
                received_at TIMESTAMPTZ NOT NULL, UNIQUE (dataset, business_key))
            """, logger: logger)
        let start = Date()
        for batch in batches {
            try await client.withTransaction(logger: logger) { connection in
                for row in batch {
                    try await connection.query("""
                        INSERT INTO version (dataset, business_key, raw_payload, normalized_payload, content_hash, received_at)
                        VALUES (\(row.dataset), \(row.key), \(row.raw), \(row.normalized), \(row.hash), \(Date()))
                        """, logger: logger)
                }
            }
        }
        return Double(batches.reduce(0) { $0 + $1.count }) / Date().timeIntervalSince(start)
    }
}
