import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Adds one delivery row inside the caller's transaction (ingest or replay).
    static func enqueue(versionID: Int64, recordID: Int64, destination: String, at instant: Date, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO delivery (destination, version_id, record_id, state, enqueued_at, next_attempt_at)
            VALUES (?, ?, ?, 'pending', ?, ?)
            """).execute(arguments: [destination, versionID, recordID, instant.timeIntervalSince1970, instant.timeIntervalSince1970])
    }
}

extension HubStore {
    /// Re-enqueues every version received since `selection.since` (optionally of one dataset or
    /// platform) for one destination, on an operator's purpose, audited as `delivery.replay`.
    /// Versions already waiting for that destination are not queued twice. With `routed`, only
    /// the versions it accepts are queued (the destination's routes), and withdrawals of records
    /// the destination received or has queued; the others are counted as skipped.
    @discardableResult
    public func replay(
        _ selection: ReplaySelection, routed: (@Sendable (ReplayCandidate) -> Bool)? = nil, by operatorName: String
    ) async throws -> ReplayOutcome {
        try await pool.write { db in
            var sql = """
                SELECT v.id, v.record_id, v.dataset, v.source_platform, v.region_code, v.normalized_payload FROM record_version v
                WHERE v.received_at >= ?
                  AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.version_id = v.id AND d.destination = ?
                                  AND d.state IN ('pending', 'retrying', 'in_flight'))
                """
            var arguments: StatementArguments = [selection.since, selection.destination]
            if let dataset = selection.dataset {
                sql += " AND v.dataset = ?"
                arguments += [dataset.rawValue]
            }
            if let platform = selection.platform {
                sql += " AND v.source_platform = ?"
                arguments += [platform.rawValue]
            }
            if !selection.notShared.isEmpty {
                sql += " AND v.dataset NOT IN (\(databaseQuestionMarks(count: selection.notShared.count)))"
                arguments += StatementArguments(selection.notShared.map(\.rawValue))
            }
            let now = Date()
            var count = 0
            var skipped = 0
            var following = 0
            // Withdrawals are few: their versions and the records they withdraw, read once.
            var withdrawn: [Int64: [Int64]] = [:]
            if routed != nil {
                for row in try Row.fetchAll(db, sql: "SELECT withdrawal_version_id, record_id FROM record_withdrawal") {
                    withdrawn[row["withdrawal_version_id"], default: []].append(row["record_id"])
                }
            }
            let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY v.id", arguments: arguments)
            while let row = try rows.next() {
                if let routed {
                    let sent = PlatformID(rawValue: row["source_platform"]).map { platform in
                        routed(ReplayCandidate(
                            dataset: DatasetID(rawValue: row["dataset"]), platform: platform, regionCode: row["region_code"],
                            normalizedPayload: row["normalized_payload"]
                        ))
                    } ?? false
                    if !sent {
                        // As at ingest, a withdrawal goes wherever its original went, whatever the routes say.
                        guard try HubStore.destination(selection.destination, has: withdrawn[row["id"]] ?? [], in: db) else {
                            skipped += 1
                            continue
                        }
                        following += 1
                    }
                }
                try HubStore.enqueue(versionID: row["id"], recordID: row["record_id"], destination: selection.destination, at: now, in: db)
                count += 1
            }
            let detail = JSONText.object([
                "since": ISO8601DateFormatter().string(from: selection.since), "dataset": selection.dataset?.rawValue ?? "",
                "platform": selection.platform?.rawValue ?? "", "queued": String(count),
                "routes": routed == nil ? "ignored" : "followed", "skippedByRoutes": String(skipped),
                "withdrawalsFollowingOriginals": String(following),
            ])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "delivery.replay", subject: selection.destination, detail: detail),
                at: now, in: db
            )
            return ReplayOutcome(queued: count, skippedByRoutes: skipped, withdrawalsFollowingOriginals: following)
        }
    }

    /// True when `destination` received one of `records` or has it on the way.
    private static func destination(_ destination: String, has records: [Int64], in db: Database) throws -> Bool {
        for record in records {
            let received = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM delivery WHERE destination = ? AND record_id = ? AND state IN ('pending', 'in_flight', 'retrying', 'delivered') LIMIT 1
                """, arguments: [destination, record]) ?? false
            if received { return true }
        }
        return false
    }
}
