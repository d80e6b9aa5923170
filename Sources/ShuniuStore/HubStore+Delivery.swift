import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Puts deliveries left in flight by a stopped or killed daemon back in the queue: they may
    /// reach the upstream twice, always with the same idempotency key.
    @discardableResult
    public func recoverInFlight(destination: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE delivery SET state = 'pending' WHERE destination = ? AND state = 'in_flight'", arguments: [destination])
            return db.changesCount
        }
    }

    /// Takes up to `limit` due deliveries for sending and marks them in flight. Only the oldest
    /// waiting version of each record is taken, so versions of one record arrive in order and a
    /// failing record holds back only itself. In `latest-state` mode the older waiting versions
    /// of a record are marked superseded and only its newest is taken.
    public func claimDue(destination: String, mode: Destination.Mode, limit: Int, now: Date = Date()) async throws -> [ClaimedDelivery] {
        try await pool.write { db in
            let head = """
                AND NOT EXISTS (SELECT 1 FROM delivery e WHERE e.destination = d.destination AND e.record_id = d.record_id
                                AND e.id < d.id AND e.state IN ('pending', 'retrying', 'in_flight'))
                """
            let pending = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT d.id, d.record_id, d.attempts FROM delivery d
                WHERE d.destination = ? AND d.state = 'pending' \(head) ORDER BY d.id LIMIT ?
                """), arguments: [destination, limit])
            let retrying = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT d.id, d.record_id, d.attempts FROM delivery d
                WHERE d.destination = ? AND d.state = 'retrying' AND d.next_attempt_at <= ? \(head) ORDER BY d.next_attempt_at LIMIT ?
                """), arguments: [destination, now.timeIntervalSince1970, limit])
            var chosen: [(id: Int64, attempts: Int)] = []
            for row in (pending + retrying).sorted(by: { ($0["id"] as Int64) < ($1["id"] as Int64) }).prefix(limit) {
                var id: Int64 = row["id"]
                var attempts: Int = row["attempts"]
                if mode == .latestState, let newest = try Row.fetchOne(db, sql: """
                    SELECT id, attempts FROM delivery WHERE destination = ? AND record_id = ? AND id > ? AND state IN ('pending', 'retrying')
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [destination, row["record_id"] as Int64, id]) {
                    try db.execute(sql: """
                        UPDATE delivery SET state = 'superseded' WHERE destination = ? AND record_id = ? AND id < ? AND state IN ('pending', 'retrying')
                        """, arguments: [destination, row["record_id"] as Int64, newest["id"] as Int64])
                    id = newest["id"]
                    attempts = newest["attempts"]
                }
                chosen.append((id, attempts))
            }
            var claimed: [ClaimedDelivery] = []
            for (id, attempts) in chosen {
                try db.cachedStatement(sql: "UPDATE delivery SET state = 'in_flight', last_attempt_at = ? WHERE id = ?")
                    .execute(arguments: [now.timeIntervalSince1970, id])
                let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT v.* FROM delivery d JOIN record_version v ON v.id = d.version_id WHERE d.id = ?
                    """), arguments: [id])!
                claimed.append(ClaimedDelivery(id: id, attempts: attempts, version: HubStore.storedVersion(from: row)))
            }
            return claimed
        }
    }

    /// Records what became of sent deliveries and the destination's health, in one transaction.
    public func completeDeliveries(_ outcomes: [DeliveryOutcome], destination: String, now: Date = Date()) async throws {
        try await pool.write { db in
            let at = now.timeIntervalSince1970
            for outcome in outcomes {
                let response = outcome.response.map { String($0.prefix(4000)) }
                switch outcome.result {
                case .delivered:
                    try db.cachedStatement(sql: """
                        UPDATE delivery SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_status = ?, last_error = NULL
                        WHERE id = ?
                        """).execute(arguments: [at, outcome.status, outcome.deliveryID])
                case .retry(let next):
                    try db.cachedStatement(sql: """
                        UPDATE delivery SET state = 'retrying', attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?, last_response = ?
                        WHERE id = ?
                        """).execute(arguments: [next.timeIntervalSince1970, outcome.status, outcome.error, response, outcome.deliveryID])
                case .dead:
                    try db.cachedStatement(sql: """
                        UPDATE delivery SET state = 'dead', attempts = attempts + 1, last_status = ?, last_error = ?, last_response = ?
                        WHERE id = ?
                        """).execute(arguments: [outcome.status, outcome.error, response, outcome.deliveryID])
                }
            }
            let succeeded = outcomes.contains { $0.result == .delivered }
            let failure = outcomes.first { $0.result != .delivered }?.error
            try db.execute(sql: "INSERT INTO destination_state (name) VALUES (?) ON CONFLICT (name) DO NOTHING", arguments: [destination])
            if succeeded {
                try db.execute(sql: "UPDATE destination_state SET last_success_at = ? WHERE name = ?", arguments: [at, destination])
            }
            if let failure {
                try db.execute(sql: "UPDATE destination_state SET last_error = ?, last_error_at = ? WHERE name = ?", arguments: [failure, at, destination])
            }
        }
    }

    /// Counts a whole-batch failure (connection, timeout, 5xx…) or a success toward the circuit breaker.
    public func recordBatchHealth(destination: String, failed: Bool, openCircuitUntil: @Sendable (Int) -> Date?) async throws -> DestinationControl {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO destination_state (name) VALUES (?) ON CONFLICT (name) DO NOTHING", arguments: [destination])
            if failed {
                try db.execute(sql: "UPDATE destination_state SET consecutive_failures = consecutive_failures + 1 WHERE name = ?", arguments: [destination])
                let failures = try Int.fetchOne(db, sql: "SELECT consecutive_failures FROM destination_state WHERE name = ?", arguments: [destination]) ?? 0
                if let until = openCircuitUntil(failures) {
                    try db.execute(sql: "UPDATE destination_state SET circuit_open_until = ? WHERE name = ?", arguments: [until.timeIntervalSince1970, destination])
                }
            } else {
                try db.execute(sql: "UPDATE destination_state SET consecutive_failures = 0, circuit_open_until = NULL WHERE name = ?", arguments: [destination])
            }
            return try HubStore.destinationControl(destination, in: db)
        }
    }

    public func destinationControl(_ destination: String) async throws -> DestinationControl {
        try await pool.read { db in try HubStore.destinationControl(destination, in: db) }
    }

    static func destinationControl(_ destination: String, in db: Database) throws -> DestinationControl {
        let row = try Row.fetchOne(db, sql: "SELECT paused, consecutive_failures, circuit_open_until FROM destination_state WHERE name = ?", arguments: [destination])
        return DestinationControl(
            paused: (row?["paused"] as Int?) == 1, consecutiveFailures: row?["consecutive_failures"] ?? 0,
            circuitOpenUntil: (row?["circuit_open_until"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }
}
