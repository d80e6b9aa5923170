import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Stats for each named destination (configured ones, whether or not anything was queued).
    public func queueStats(destinations: [String], now: Date = Date()) async throws -> [QueueStats] {
        try await pool.read { db in
            try destinations.map { try HubStore.queueStats(of: $0, now: now, in: db) }
        }
    }

    /// The oldest deliveries still waiting for one destination, each with its last error.
    public func waitingDeliveries(destination: String, limit: Int = 50) async throws -> [WaitingDelivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.state, d.attempts, d.enqueued_at, d.next_attempt_at, d.last_status, d.last_error,
                       v.dataset, v.business_key, v.version
                FROM delivery d JOIN record_version v ON v.id = d.version_id
                WHERE d.destination = ? AND d.state IN ('pending', 'in_flight', 'retrying')
                ORDER BY d.id LIMIT ?
                """, arguments: [destination, limit]).map { row in
                WaitingDelivery(
                    id: row["id"], state: DeliveryState(rawValue: row["state"]) ?? .pending, dataset: row["dataset"], key: row["business_key"],
                    version: row["version"], attempts: row["attempts"], enqueuedAt: Date(timeIntervalSince1970: row["enqueued_at"]),
                    nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastStatus: row["last_status"], lastError: row["last_error"]
                )
            }
        }
    }

    /// Destinations that have ever had a delivery queued (also ones since removed from the configuration).
    public func queuedDestinations() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT destination FROM queue_counter ORDER BY destination")
        }
    }

    static func queueStats(of destination: String, now: Date, in db: Database) throws -> QueueStats {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, count FROM queue_counter WHERE destination = ?", arguments: [destination]) {
            counts[row["state"]] = row["count"]
        }
        // The oldest waiting item is the lowest id among pending and retrying ones (ids grow with enqueue time).
        let oldest = try Double.fetchOne(db, sql: """
            SELECT MIN(enqueued_at) FROM (
                SELECT enqueued_at FROM (SELECT enqueued_at FROM delivery WHERE destination = ? AND state = 'pending' ORDER BY id LIMIT 1)
                UNION ALL
                SELECT enqueued_at FROM (SELECT enqueued_at FROM delivery WHERE destination = ? AND state = 'retrying' ORDER BY id LIMIT 1)
            )
            """, arguments: [destination, destination])
        let lastMinute = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM delivery WHERE destination = ? AND state = 'delivered' AND delivered_at > ?
            """, arguments: [destination, now.timeIntervalSince1970 - 60]) ?? 0
        let state = try Row.fetchOne(db, sql: "SELECT * FROM destination_state WHERE name = ?", arguments: [destination])
        func date(_ column: String) -> Date? {
            (state?[column] as Double?).map(Date.init(timeIntervalSince1970:))
        }
        let circuit = date("circuit_open_until").flatMap { $0 > now ? $0 : nil }
        return QueueStats(
            destination: destination, pending: counts["pending"] ?? 0, inFlight: counts["in_flight"] ?? 0,
            retrying: counts["retrying"] ?? 0, dead: counts["dead"] ?? 0, delivered: counts["delivered"] ?? 0,
            oldestPendingSeconds: oldest.map { max(0, now.timeIntervalSince1970 - $0) },
            lastSuccessAt: date("last_success_at"), lastError: state?["last_error"], lastErrorAt: date("last_error_at"),
            deliveriesLastMinute: lastMinute, paused: (state?["paused"] as Int?) == 1, pausedBy: state?["paused_by"],
            pausedReason: state?["paused_reason"], pausedAt: date("paused_at"),
            circuitOpenUntil: circuit
        )
    }

    /// Pauses or resumes deliveries to a destination by hand, audited in the same transaction.
    public func setDestinationPaused(_ destination: String, paused: Bool, by operatorName: String, reason: String?) async throws {
        let now = Date()
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO destination_state (name, paused, paused_by, paused_reason, paused_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, paused_by = excluded.paused_by,
                    paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
                """, arguments: [destination, paused ? 1 : 0, paused ? operatorName : nil, paused ? reason : nil,
                                 paused ? now.timeIntervalSince1970 : nil])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: paused ? "destination.pause" : "destination.resume",
                           subject: destination, detail: JSONText.object(["reason": reason ?? ""])),
                at: now, in: db
            )
        }
    }
}
