import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Adds one delivery row inside the caller's transaction (ingest or replay).
    static func enqueue(versionID: Int64, recordID: Int64, destination: String, at instant: Date, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO delivery (destination, version_id, record_id, state, enqueued_at, next_attempt_at)
            VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (destination, version_id) DO NOTHING
            """).execute(arguments: [destination, versionID, recordID, instant.timeIntervalSince1970, instant.timeIntervalSince1970])
    }
}
