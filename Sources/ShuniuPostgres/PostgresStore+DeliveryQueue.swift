import Foundation
import PostgresNIO
import ShuniuCore

/// The delivery workers' port on PostgreSQL, for several instances sharing the outbox.
///
/// Why the guarantees hold across instances:
/// - **Exclusive claims.** A claim selects its rows `FOR UPDATE SKIP LOCKED` and marks them in
///   flight in the same transaction, so a concurrent claimer skips them while they are locked and
///   sees them in flight once committed. An in-flight delivery carries its instance and a lease:
///   it is claimable again only once the lease has run out (its instance is presumed dead), and
///   keeps its id and so its idempotency key.
/// - **Order per record.** A delivery is claimable only when no older delivery of the same record
///   to the destination is waiting or in flight. The check reads committed states (READ COMMITTED):
///   an older version locked by a concurrent claim still reads as waiting, so its successor is not
///   taken; once that claim commits it reads as in flight. A newer version becomes claimable only
///   after the older one is completed, superseded or dead. Versions of one record are committed by
///   ingest in order (the record's row lock), so their delivery ids follow version order.
/// - **Outcomes** are written only for claims the instance still holds: a delivery whose lease ran
///   out and was taken over is reported by its new holder.
/// - **Circuit breaker**: the failures in a row are counted by one upsert that locks the
///   destination's row until the transaction ends, so every instance's batch is counted once.
extension PostgresStore: DeliveryQueue {
    /// Puts back in the queue this instance's deliveries left in flight (by an earlier run under
    /// the same name) and any whose lease has run out. Another live instance's claims stay its own.
    @discardableResult
    public func recoverInFlight(destination: String) async throws -> Int {
        let now = Date()
        return try await write("recovering deliveries left in flight") { [logger, instance] connection in
            try await connection.rows("""
                UPDATE delivery SET state = 'pending', owner_instance = NULL, lease_until = NULL
                WHERE destination = \(destination) AND state = 'in_flight' AND (owner_instance = \(instance) OR lease_until <= \(now))
                RETURNING id
                """, logger: logger).count
        }
    }

    public func claimDue(destination: String, mode: Destination.Mode, limit: Int, now: Date) async throws -> [ClaimedDelivery] {
        let leaseUntil = now.addingTimeInterval(TimeInterval(configuration.leaseSeconds))
        return try await write("claiming deliveries") { [logger, instance] connection in
            let heads = try await connection.rows("""
                SELECT d.id, d.record_id FROM delivery d
                WHERE d.destination = \(destination)
                  AND (d.state = 'pending' OR (d.state = 'retrying' AND d.next_attempt_at <= \(now))
                       OR (d.state = 'in_flight' AND d.lease_until <= \(now)))
                  AND NOT EXISTS (SELECT 1 FROM delivery e WHERE e.destination = d.destination AND e.record_id = d.record_id
                                  AND e.id < d.id AND e.state IN ('pending', 'retrying', 'in_flight'))
                ORDER BY d.id LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """, logger: logger).map { (id: try $0["id"].decode(Int64.self), record: try $0["record_id"].decode(Int64.self)) }
            var chosen: [Int64] = []
            for head in heads {
                guard mode == .latestState else {
                    chosen.append(head.id)
                    continue
                }
                // The record's newest waiting version replaces the head; those before it are superseded.
                let newest = try await connection.rows("""
                    SELECT id FROM delivery WHERE destination = \(destination) AND record_id = \(head.record) AND id > \(head.id)
                    AND state IN ('pending', 'retrying') ORDER BY id DESC LIMIT 1 FOR UPDATE
                    """, logger: logger).first.map { try $0["id"].decode(Int64.self) }
                if let newest {
                    try await connection.run("""
                        UPDATE delivery SET state = 'superseded', owner_instance = NULL, lease_until = NULL
                        WHERE destination = \(destination) AND record_id = \(head.record) AND id < \(newest)
                        AND (state IN ('pending', 'retrying') OR id = \(head.id))
                        """, logger: logger)
                }
                chosen.append(newest ?? head.id)
            }
            guard !chosen.isEmpty else { return [] }
            try await connection.run("""
                UPDATE delivery SET state = 'in_flight', last_attempt_at = \(now), owner_instance = \(instance), lease_until = \(leaseUntil)
                WHERE id = ANY(\(chosen))
                """, logger: logger)
            let rows = try await connection.rows("""
                SELECT d.id AS delivery_id, d.attempts, \(unescaped: Self.versionColumns)
                FROM delivery d JOIN record_version v ON v.id = d.version_id WHERE d.id = ANY(\(chosen))
                """, logger: logger)
            var claimed: [Int64: ClaimedDelivery] = [:]
            for row in rows {
                let id = try row["delivery_id"].decode(Int64.self)
                claimed[id] = ClaimedDelivery(id: id, attempts: try row["attempts"].decode(Int.self), version: try Self.storedVersion(row))
            }
            return chosen.compactMap { claimed[$0] }
        }
    }

    public func completeDeliveries(_ outcomes: [DeliveryOutcome], destination: String, now: Date) async throws {
        try await write("recording delivery outcomes") { [logger, instance] connection in
            // The delivered ones in one statement per status (usually one): the common case costs
            // a round trip per batch, not per delivery.
            let delivered = Dictionary(grouping: outcomes.filter { $0.result == .delivered }, by: \.status)
            for (status, group) in delivered.sorted(by: { ($0.key ?? -1) < ($1.key ?? -1) }) {
                try await connection.run("""
                    UPDATE delivery SET state = 'delivered', attempts = attempts + 1, delivered_at = \(now), last_status = \(status),
                        last_error = NULL, owner_instance = NULL, lease_until = NULL
                    WHERE id = ANY(\(group.map(\.deliveryID))) AND state = 'in_flight' AND owner_instance = \(instance)
                    """, logger: logger)
            }
            for outcome in outcomes {
                let response = outcome.response.map { String($0.prefix(4000)) }
                let held = "AND state = 'in_flight' AND owner_instance = "
                switch outcome.result {
                case .delivered:
                    continue
                case .retry(let next):
                    try await connection.run("""
                        UPDATE delivery SET state = 'retrying', attempts = attempts + 1, next_attempt_at = \(next), last_status = \(outcome.status),
                            last_error = \(outcome.error), last_response = \(response), owner_instance = NULL, lease_until = NULL
                        WHERE id = \(outcome.deliveryID) \(unescaped: held)\(instance)
                        """, logger: logger)
                case .dead:
                    try await connection.run("""
                        UPDATE delivery SET state = 'dead', attempts = attempts + 1, last_status = \(outcome.status), last_error = \(outcome.error),
                            last_response = \(response), owner_instance = NULL, lease_until = NULL
                        WHERE id = \(outcome.deliveryID) \(unescaped: held)\(instance)
                        """, logger: logger)
                }
            }
            let succeededAt: Date? = outcomes.contains { $0.result == .delivered } ? now : nil
            let failure = outcomes.first { $0.result != .delivered }?.error
            try await connection.run("""
                INSERT INTO destination_state (name, last_success_at, last_error, last_error_at)
                VALUES (\(destination), \(succeededAt), \(failure), \(failure == nil ? nil : now))
                ON CONFLICT (name) DO UPDATE SET
                    last_success_at = COALESCE(EXCLUDED.last_success_at, destination_state.last_success_at),
                    last_error = CASE WHEN EXCLUDED.last_error_at IS NULL THEN destination_state.last_error ELSE EXCLUDED.last_error END,
                    last_error_at = COALESCE(EXCLUDED.last_error_at, destination_state.last_error_at)
                """, logger: logger)
        }
    }

    public func recordBatchHealth(destination: String, failed: Bool, openCircuitUntil: @Sendable (Int) -> Date?) async throws -> DestinationControl {
        try await write("recording a destination's health") { [logger] connection in
            if failed {
                let failures = try await connection.rows("""
                    INSERT INTO destination_state (name, consecutive_failures) VALUES (\(destination), 1)
                    ON CONFLICT (name) DO UPDATE SET consecutive_failures = destination_state.consecutive_failures + 1
                    RETURNING consecutive_failures
                    """, logger: logger).first.map { try $0["consecutive_failures"].decode(Int.self) } ?? 1
                if let until = openCircuitUntil(failures) {
                    try await connection.run("UPDATE destination_state SET circuit_open_until = \(until) WHERE name = \(destination)", logger: logger)
                }
            } else {
                try await connection.run("""
                    INSERT INTO destination_state (name) VALUES (\(destination))
                    ON CONFLICT (name) DO UPDATE SET consecutive_failures = 0, circuit_open_until = NULL
                    """, logger: logger)
            }
            return try await Self.destinationControl(destination, on: connection, logger: logger)
        }
    }

    public func destinationControl(_ destination: String) async throws -> DestinationControl {
        try await connection("reading a destination's controls") { [logger] connection in
            try await Self.destinationControl(destination, on: connection, logger: logger)
        }
    }

    static func destinationControl(_ destination: String, on connection: PostgresConnection, logger: Logger) async throws -> DestinationControl {
        guard let row = try await connection.rows(
            "SELECT paused, consecutive_failures, circuit_open_until FROM destination_state WHERE name = \(destination)", logger: logger
        ).first else {
            return DestinationControl(paused: false, consecutiveFailures: 0, circuitOpenUntil: nil)
        }
        return DestinationControl(
            paused: try row["paused"].decode(Bool.self), consecutiveFailures: try row["consecutive_failures"].decode(Int.self),
            circuitOpenUntil: try row["circuit_open_until"].decode(Date?.self)
        )
    }
}
