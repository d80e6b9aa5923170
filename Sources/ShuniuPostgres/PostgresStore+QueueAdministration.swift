import Foundation
import PostgresNIO
import ShuniuCore

/// The operator's queue administration on PostgreSQL, with several instances acting at once.
///
/// - **Figures** are the sums of `queue_counter`'s delta rows (the schema tells why they are
///   deltas): reading them never touches `delivery`, however long the queue, and never writes.
///   Deltas grow by a row or two per statement that changes deliveries; the store janitor folds
///   them every minute (``compactQueueCounters()``): one statement deletes them and inserts their
///   sums, so a concurrent fold deletes only the rows this one did not, and a reader sees the
///   sums before or after, never half.
/// - **Retry and discard** change the chosen letters by one `UPDATE … AND state = 'dead'`: a letter
///   another instance changed first is skipped once its row lock is released (READ COMMITTED
///   re-checks the condition), so two instances retrying the same letters put each back once.
/// - **A replay** takes a transaction-scoped advisory lock on its destination, so two replays to
///   one destination run one after the other and the second sees the first's deliveries waiting.
/// - **A pause** is the destination's `destination_state` row, which every instance's claims read.
extension PostgresStore: QueueAdministration {
    public func queueStats(destinations: [String], now: Date) async throws -> [QueueStats] {
        try await transaction("reading queue figures") { [logger] connection in
            var figures: [QueueStats] = []
            for destination in destinations {
                figures.append(try await Self.queueStats(of: destination, now: now, on: connection, logger: logger))
            }
            return figures
        }
    }

    /// Replaces every destination's counter deltas by one row per state holding their sum, in
    /// one statement: a concurrent fold deletes only the rows this one did not, and a reader sees
    /// the sums before or after it, never half.
    public func compactQueueCounters() async throws {
        try await write("folding queue counters") { [logger] connection in
            try await connection.run("""
                WITH folded AS (DELETE FROM queue_counter RETURNING destination, state, count)
                INSERT INTO queue_counter (destination, state, count)
                SELECT destination, state, sum(count)::bigint FROM folded GROUP BY destination, state
                """, logger: logger)
        }
    }

    static func queueStats(of destination: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> QueueStats {
        var counts: [String: Int] = [:]
        for row in try await connection.rows("""
            SELECT state, sum(count)::bigint AS count FROM queue_counter WHERE destination = \(destination) GROUP BY state
            """, logger: logger) {
            counts[try row["state"].decode(String.self)] = try row["count"].decode(Int.self)
        }
        // The oldest waiting item is the lowest id among pending and retrying ones (ids grow with enqueue time).
        let oldest = try await connection.rows("""
            SELECT min(enqueued_at) AS oldest FROM (
                (SELECT enqueued_at FROM delivery WHERE destination = \(destination) AND state = 'pending' ORDER BY id LIMIT 1)
                UNION ALL
                (SELECT enqueued_at FROM delivery WHERE destination = \(destination) AND state = 'retrying' ORDER BY id LIMIT 1)
            ) AS heads
            """, logger: logger).first.flatMap { try $0["oldest"].decode(Date?.self) }
        let lastMinute = try await connection.rows("""
            SELECT count(*) AS count FROM delivery WHERE destination = \(destination) AND state = 'delivered'
            AND delivered_at > \(now.addingTimeInterval(-60))
            """, logger: logger).first.map { try $0["count"].decode(Int.self) } ?? 0
        let state = try await connection.rows("SELECT * FROM destination_state WHERE name = \(destination)", logger: logger).first
        func date(_ column: String) throws -> Date? { try state?[column].decode(Date?.self) }
        let circuit = try date("circuit_open_until").flatMap { $0 > now ? $0 : nil }
        return QueueStats(
            destination: destination, pending: counts["pending"] ?? 0, inFlight: counts["in_flight"] ?? 0,
            retrying: counts["retrying"] ?? 0, dead: counts["dead"] ?? 0, delivered: counts["delivered"] ?? 0,
            oldestPendingSeconds: oldest.map { max(0, now.timeIntervalSince($0)) },
            lastSuccessAt: try date("last_success_at"), lastError: try state?["last_error"].decode(String?.self), lastErrorAt: try date("last_error_at"),
            deliveriesLastMinute: lastMinute, paused: try state?["paused"].decode(Bool.self) ?? false,
            pausedBy: try state?["paused_by"].decode(String?.self), pausedReason: try state?["paused_reason"].decode(String?.self),
            pausedAt: try date("paused_at"), circuitOpenUntil: circuit
        )
    }

    public func waitingDeliveries(destination: String, limit: Int) async throws -> [WaitingDelivery] {
        try await connection("reading waiting deliveries") { [logger] connection in
            try await connection.rows("""
                SELECT d.id, d.state, d.attempts, d.enqueued_at, d.next_attempt_at, d.last_status, d.last_error,
                       v.dataset, v.business_key, v.version
                FROM delivery d JOIN record_version v ON v.id = d.version_id
                WHERE d.destination = \(destination) AND d.state IN ('pending', 'in_flight', 'retrying')
                ORDER BY d.id LIMIT \(limit)
                """, logger: logger).map { row in
                WaitingDelivery(
                    id: try row["id"].decode(Int64.self), state: DeliveryState(rawValue: try row["state"].decode(String.self)) ?? .pending,
                    dataset: try row["dataset"].decode(String.self), key: try row["business_key"].decode(String.self),
                    version: try row["version"].decode(Int.self), attempts: try row["attempts"].decode(Int.self),
                    enqueuedAt: try row["enqueued_at"].decode(Date.self), nextAttemptAt: try row["next_attempt_at"].decode(Date.self),
                    lastStatus: try row["last_status"].decode(Int?.self), lastError: try row["last_error"].decode(String?.self)
                )
            }
        }
    }

    public func queuedDestinations() async throws -> [String] {
        try await connection("listing queued destinations") { [logger] connection in
            try await connection.rows("SELECT DISTINCT destination FROM queue_counter ORDER BY destination", logger: logger)
                .map { try $0["destination"].decode(String.self) }
        }
    }

    public func setDestinationPaused(_ destination: String, paused: Bool, by operatorName: String, reason: String?) async throws {
        let now = Date()
        try await write(paused ? "pausing a destination" : "resuming a destination") { [logger] connection in
            try await connection.run("""
                INSERT INTO destination_state (name, paused, paused_by, paused_reason, paused_at)
                VALUES (\(destination), \(paused), \(paused ? operatorName : nil), \(paused ? reason : nil), \(paused ? now : nil))
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, paused_by = excluded.paused_by,
                    paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
                """, logger: logger)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: paused ? "destination.pause" : "destination.resume",
                           subject: destination, detail: JSONText.object(["reason": reason ?? ""])),
                at: now, on: connection, logger: logger
            )
        }
    }
}

// MARK: Dead letters

extension PostgresStore {
    public func deadLetters(_ filter: DeadLetterFilter, limit: Int) async throws -> [DeadLetter] {
        try await connection("reading dead letters") { [logger] connection in
            try await connection.rows(Self.deadLetters(Self.deadLetterColumns, filter, ids: nil, limit: limit), logger: logger).map(Self.deadLetter(from:))
        }
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await connection("reading a dead letter") { [logger] connection in
            try await connection.rows(Self.deadLetters(Self.deadLetterColumns, DeadLetterFilter(), ids: [id], limit: 1), logger: logger)
                .first.map(Self.deadLetter(from:))
        }
    }

    public func retryDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String) async throws -> Int {
        try await changeDeadLetters(ids: ids, filter: filter, by: operatorName, action: "dead-letter.retry", reason: nil) { chosen, now in
            // Attempts from zero and due now; the id, and so the idempotency key, stay.
            """
            UPDATE delivery SET state = 'pending', attempts = 0, next_attempt_at = \(now), owner_instance = NULL, lease_until = NULL
            WHERE id = ANY(\(chosen)) AND state = 'dead' RETURNING id
            """
        }
    }

    public func discardDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String, reason: String?) async throws -> Int {
        try await changeDeadLetters(ids: ids, filter: filter, by: operatorName, action: "dead-letter.discard", reason: reason) { chosen, _ in
            "UPDATE delivery SET state = 'discarded' WHERE id = ANY(\(chosen)) AND state = 'dead' RETURNING id"
        }
    }

    /// Changes the chosen letters still dead, audited in the same transaction. The update's own
    /// `state = 'dead'` is what holds across instances: a letter another instance changed
    /// meanwhile is skipped once its row lock is released (READ COMMITTED re-checks the row).
    private func changeDeadLetters(
        ids: [Int64]?, filter: DeadLetterFilter, by operatorName: String, action: String, reason: String?,
        update: @Sendable ([Int64], Date) -> PostgresQuery
    ) async throws -> Int {
        let now = Date()
        return try await write("changing dead letters") { [logger] connection in
            let chosen = try await connection.rows(Self.deadLetters("d.id", filter, ids: ids, limit: nil), logger: logger)
                .map { try $0["id"].decode(Int64.self) }
            let changed = try await connection.rows(update(chosen, now), logger: logger).map { try $0["id"].decode(Int64.self) }.sorted()
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: filter.destination,
                           detail: JSONText.encode(DeadLetterAuditDetail(ids: changed, filter: filter, reason: reason))),
                at: now, on: connection, logger: logger
            )
            return changed.count
        }
    }

    private static let deadLetterColumns = """
        d.id, d.destination, d.attempts, d.last_status, d.last_error, d.last_response, d.enqueued_at, d.last_attempt_at,
        v.dataset, v.business_key, v.version, v.source_platform
        """

    /// `columns` of the dead letters `filter` and `ids` match, oldest first; every value bound
    /// (a nil one matches everything, a nil limit is none).
    private static func deadLetters(_ columns: String, _ filter: DeadLetterFilter, ids: [Int64]?, limit: Int?) -> PostgresQuery {
        let text = filter.errorContains
        return """
            SELECT \(unescaped: columns) FROM delivery d JOIN record_version v ON v.id = d.version_id
            WHERE d.state = 'dead'
              AND (\(filter.destination)::text IS NULL OR d.destination = \(filter.destination))
              AND (\(filter.dataset?.rawValue)::text IS NULL OR v.dataset = \(filter.dataset?.rawValue))
              AND (\(filter.platform?.rawValue)::text IS NULL OR v.source_platform = \(filter.platform?.rawValue))
              AND (\(filter.since)::timestamptz IS NULL OR d.last_attempt_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR d.last_attempt_at < \(filter.until))
              AND (\(text)::text IS NULL OR strpos(d.last_error, \(text)) > 0 OR strpos(d.last_response, \(text)) > 0)
              AND (\(ids)::bigint[] IS NULL OR d.id = ANY(\(ids)))
            ORDER BY d.id LIMIT \(limit)
            """
    }

    private static func deadLetter(from row: PostgresRandomAccessRow) throws -> DeadLetter {
        DeadLetter(
            id: try row["id"].decode(Int64.self), destination: try row["destination"].decode(String.self), dataset: try row["dataset"].decode(String.self),
            key: try row["business_key"].decode(String.self), version: try row["version"].decode(Int.self),
            sourcePlatform: try row["source_platform"].decode(String.self), attempts: try row["attempts"].decode(Int.self),
            lastStatus: try row["last_status"].decode(Int?.self), lastError: try row["last_error"].decode(String?.self),
            upstreamResponse: try row["last_response"].decode(String?.self), enqueuedAt: try row["enqueued_at"].decode(Date.self),
            lastAttemptAt: try row["last_attempt_at"].decode(Date?.self)
        )
    }
}

/// The audit detail of a dead-letter change, as the SQLite engine writes it.
private struct DeadLetterAuditDetail: Encodable {
    var ids: [Int64]
    var filter: DeadLetterFilter
    var reason: String?
}

// MARK: Replay

extension PostgresStore {
    /// The advisory lock class of replays, one lock per destination (hashed): "SHRP".
    static let replayLockClass: Int32 = 0x5348_5250

    /// Candidates read at a time, so that a replay of a long history does not hold it all in memory.
    static let replayPage = 500

    public func replay(_ selection: ReplaySelection, routed: (@Sendable (ReplayCandidate) -> Bool)?, by operatorName: String) async throws -> ReplayOutcome {
        let now = Date()
        return try await write("replaying deliveries") { [logger] connection in
            let destination = selection.destination
            // Two replays to one destination (two instances) one after the other: the second sees
            // what the first queued as waiting, and queues it no second time.
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.replayLockClass), hashtext(\(destination)))", logger: logger)
            // Withdrawals are few: their versions and the records they withdraw, read once.
            var withdrawn: [Int64: [Int64]] = [:]
            if routed != nil {
                for row in try await connection.rows("SELECT withdrawal_version_id, record_id FROM record_withdrawal", logger: logger) {
                    withdrawn[try row["withdrawal_version_id"].decode(Int64.self), default: []].append(try row["record_id"].decode(Int64.self))
                }
            }
            var (queued, skipped, following) = (0, 0, 0)
            var after: Int64 = 0
            while true {
                let candidates = try await connection.rows("""
                    SELECT v.id, v.record_id, v.dataset, v.source_platform, v.region_code, v.normalized_payload FROM record_version v
                    WHERE v.received_at >= \(selection.since) AND v.id > \(after)
                      AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.version_id = v.id AND d.destination = \(destination)
                                      AND d.state IN ('pending', 'retrying', 'in_flight'))
                      AND (\(selection.dataset?.rawValue)::text IS NULL OR v.dataset = \(selection.dataset?.rawValue))
                      AND (\(selection.platform?.rawValue)::text IS NULL OR v.source_platform = \(selection.platform?.rawValue))
                      AND NOT (v.dataset = ANY(\(selection.notShared.map(\.rawValue))))
                    ORDER BY v.id LIMIT \(Self.replayPage)
                    """, logger: logger)
                guard let last = candidates.last else { break }
                after = try last["id"].decode(Int64.self)
                var page: [PostgresOutbox.Delivery] = []
                for row in candidates {
                    let (versionID, recordID) = (try row["id"].decode(Int64.self), try row["record_id"].decode(Int64.self))
                    if let routed {
                        let sent = try PlatformID(rawValue: row["source_platform"].decode(String.self)).map { platform in
                            routed(ReplayCandidate(
                                dataset: DatasetID(rawValue: try row["dataset"].decode(String.self)), platform: platform,
                                regionCode: try row["region_code"].decode(String?.self), normalizedPayload: try row["normalized_payload"].decode(String.self)
                            ))
                        } ?? false
                        if !sent {
                            // As at ingest, a withdrawal goes wherever its original went, whatever the routes say.
                            guard try await Self.destination(destination, has: withdrawn[versionID] ?? [], on: connection, logger: logger) else {
                                skipped += 1
                                continue
                            }
                            following += 1
                        }
                    }
                    page.append(PostgresOutbox.Delivery(destination: destination, versionID: versionID, recordID: recordID))
                }
                // In version order, so that delivery ids follow version order per record, which the claims' order rule relies on.
                try await PostgresOutbox.enqueue(page, at: now, on: connection, logger: logger)
                queued += page.count
            }
            let detail = JSONText.object([
                "since": ISO8601DateFormatter().string(from: selection.since), "dataset": selection.dataset?.rawValue ?? "",
                "platform": selection.platform?.rawValue ?? "", "queued": String(queued),
                "routes": routed == nil ? "ignored" : "followed", "skippedByRoutes": String(skipped),
                "withdrawalsFollowingOriginals": String(following),
            ])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "delivery.replay", subject: destination, detail: detail),
                at: now, on: connection, logger: logger
            )
            return ReplayOutcome(queued: queued, skippedByRoutes: skipped, withdrawalsFollowingOriginals: following)
        }
    }

    /// True when `destination` received one of `records` or has it on the way.
    private static func destination(_ destination: String, has records: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for record in records {
            let received = try await connection.rows("""
                SELECT 1 FROM delivery WHERE destination = \(destination) AND record_id = \(record)
                AND state IN ('pending', 'in_flight', 'retrying', 'delivered') LIMIT 1
                """, logger: logger)
            if !received.isEmpty { return true }
        }
        return false
    }
}
