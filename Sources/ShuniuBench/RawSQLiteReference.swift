import Foundation
import GRDB

/// The ceiling the hub's store is measured against: the same rows inserted straight into a
/// SQLite file with the hub's settings (WAL, synchronous FULL), one transaction per batch.
enum RawSQLiteReference {
    struct Row {
        var dataset: String
        var key: String
        var raw: String
        var normalized: String
        var hash: String
    }

    /// The versions a hub stored, in commit order.
    static func rows(ofStoreAt path: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT dataset, business_key, raw_payload, normalized_payload, content_hash FROM record_version ORDER BY id").map {
                Row(dataset: $0["dataset"], key: $0["business_key"], raw: $0["raw_payload"], normalized: $0["normalized_payload"], hash: $0["content_hash"])
            }
        }
    }

    /// Rows per second.
    static func measure(batches: [[Row]], in directory: String) throws -> Double {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: directory + "/reference.sqlite", configuration: configuration)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE version (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL, business_key TEXT NOT NULL,
                    raw_payload TEXT NOT NULL, normalized_payload TEXT NOT NULL, content_hash TEXT NOT NULL,
                    received_at DATETIME NOT NULL, UNIQUE (dataset, business_key))
                """)
        }
        let start = Date()
        for batch in batches {
            try pool.write { db in
                for row in batch {
                    try db.execute(
                        sql: "INSERT INTO version (dataset, business_key, raw_payload, normalized_payload, content_hash, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [row.dataset, row.key, row.raw, row.normalized, row.hash, Date()]
                    )
                }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        try pool.close()
        return Double(batches.reduce(0) { $0 + $1.count }) / elapsed
    }
}
