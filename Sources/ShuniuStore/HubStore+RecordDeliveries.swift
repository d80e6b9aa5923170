import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Every delivery of every version of one record (by hub id), by destination then enqueue order.
    public func deliveries(ofRecord recordID: Int64) async throws -> [RecordDelivery] {
        try await pool.read { db in
            // One destination at a time, so that the (destination, record_id) index answers
            // however many millions of rows the outbox holds.
            let destinations = try String.fetchAll(db, sql: "SELECT DISTINCT destination FROM queue_counter ORDER BY destination")
            var found: [RecordDelivery] = []
            for destination in destinations {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT d.*, v.version FROM delivery d JOIN record_version v ON v.id = d.version_id
                    WHERE d.destination = ? AND d.record_id = ? ORDER BY d.id
                    """, arguments: [destination, recordID])
                found += rows.map { row in
                    RecordDelivery(
                        destination: row["destination"], version: row["version"], state: row["state"], attempts: row["attempts"],
                        enqueuedAt: Date(timeIntervalSince1970: row["enqueued_at"]),
                        lastAttemptAt: (row["last_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        deliveredAt: (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        lastStatus: row["last_status"], lastError: row["last_error"]
                    )
                }
            }
            return found
        }
    }
}
