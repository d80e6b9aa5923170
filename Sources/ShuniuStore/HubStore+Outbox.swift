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

/// Which history a replay re-enqueues.
public struct ReplaySelection: Sendable, Codable {
    public var destination: String
    public var since: Date
    public var dataset: DatasetID?
    public var platform: PlatformID?
    /// 不予共享 datasets: never sent, whatever else is selected.
    public var notShared: [DatasetID]

    public init(destination: String, since: Date, dataset: DatasetID? = nil, platform: PlatformID? = nil, notShared: [DatasetID] = []) {
        self.destination = destination
        self.since = since
        self.dataset = dataset
        self.platform = platform
        self.notShared = notShared
    }
}

extension HubStore {
    /// Re-enqueues every version received since `selection.since` (optionally of one dataset or
    /// platform) for one destination, on an operator's purpose, audited as `delivery.replay`.
    /// Versions already waiting for that destination are not queued twice. Returns how many were queued.
    @discardableResult
    public func replay(_ selection: ReplaySelection, by operatorName: String) async throws -> Int {
        try await pool.write { db in
            var sql = """
                SELECT v.id, v.record_id FROM record_version v
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
            let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY v.id", arguments: arguments)
            while let row = try rows.next() {
                try HubStore.enqueue(versionID: row["id"], recordID: row["record_id"], destination: selection.destination, at: now, in: db)
                count += 1
            }
            let detail = JSONText.object([
                "since": ISO8601DateFormatter().string(from: selection.since), "dataset": selection.dataset?.rawValue ?? "",
                "platform": selection.platform?.rawValue ?? "", "queued": String(count),
            ])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "delivery.replay", subject: selection.destination, detail: detail),
                at: now, in: db
            )
            return count
        }
    }
}
