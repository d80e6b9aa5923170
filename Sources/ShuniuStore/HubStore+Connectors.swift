import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Every connector endpoint's state (or one connector's), by connector and endpoint name.
    public func connectorStates(connector: String? = nil) async throws -> [ConnectorState] {
        try await pool.read { db in
            let rows: [Row]
            if let connector {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM connector_state WHERE connector = ? ORDER BY endpoint", arguments: [connector])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM connector_state ORDER BY connector, endpoint")
            }
            return rows.map(HubStore.connectorState(from:))
        }
    }

    /// Records a committed page: the cursor to resume from and what the page held. Called only
    /// after the page's records are committed, so a crash in between re-fetches the page, whose
    /// records are then duplicates.
    public func recordConnectorPage(connector: String, endpoint: String, platform: PlatformID, cursor: String?, records: Int, at instant: Date = Date()) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO connector_state (connector, endpoint, platform, cursor, last_run_at, records_fetched, pages_fetched)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, cursor = excluded.cursor, last_run_at = excluded.last_run_at,
                    records_fetched = records_fetched + excluded.records_fetched, pages_fetched = pages_fetched + 1
                """, arguments: [connector, endpoint, platform.rawValue, cursor, instant.timeIntervalSince1970, records])
        }
    }

    /// Records a run that ended well (possibly with nothing new) and when the next one is due.
    public func recordConnectorSuccess(connector: String, endpoint: String, platform: PlatformID, at instant: Date = Date(), nextRunAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO connector_state (connector, endpoint, platform, last_run_at, last_success_at, consecutive_failures, next_run_at)
                VALUES (?, ?, ?, ?, ?, 0, ?)
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
                    consecutive_failures = 0, next_run_at = excluded.next_run_at
                """, arguments: [connector, endpoint, platform.rawValue, instant.timeIntervalSince1970, instant.timeIntervalSince1970, nextRunAt.timeIntervalSince1970])
        }
    }

    /// Records a failed run: its error, the failures in a row so far, and when to try again.
    /// Pages committed before the failure keep their cursor.
    public func recordConnectorFailure(
        connector: String, endpoint: String, platform: String, error: String, failures: Int, at instant: Date = Date(), nextRunAt: Date
    ) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO connector_state (connector, endpoint, platform, last_run_at, last_error, last_error_at, consecutive_failures, next_run_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, last_run_at = excluded.last_run_at, last_error = excluded.last_error,
                    last_error_at = excluded.last_error_at, consecutive_failures = excluded.consecutive_failures, next_run_at = excluded.next_run_at
                """, arguments: [connector, endpoint, platform, instant.timeIntervalSince1970, error, instant.timeIntervalSince1970,
                                 failures, nextRunAt.timeIntervalSince1970])
        }
    }

    /// Forgets a connector's cursors (one endpoint's, or all of them) so that its next run starts
    /// from the beginning, and makes that run due now; audited with the operator's name.
    /// Returns the endpoints reset: none when the connector has never run.
    @discardableResult
    public func resetConnectorCursor(connector: String, endpoint: String? = nil, by operatorName: String, reason: String? = nil) async throws -> [String] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT endpoint, cursor FROM connector_state WHERE connector = ? AND (? IS NULL OR endpoint = ?) ORDER BY endpoint",
                arguments: [connector, endpoint, endpoint]
            )
            guard !rows.isEmpty else { return [] }
            try db.execute(
                sql: "UPDATE connector_state SET cursor = NULL, next_run_at = NULL WHERE connector = ? AND (? IS NULL OR endpoint = ?)",
                arguments: [connector, endpoint, endpoint]
            )
            let endpoints: [String] = rows.map { $0["endpoint"] }
            let previous = rows.map { row -> String in
                let cursor: String? = row["cursor"]
                return "\(row["endpoint"] as String)=\(cursor ?? "")"
            }
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "connector.reset_cursor", subject: connector,
                           detail: JSONText.object(["endpoints": endpoints.joined(separator: ","), "previousCursors": previous.joined(separator: ","), "reason": reason ?? ""])),
                at: Date(), in: db
            )
            return endpoints
        }
    }

    static func connectorState(from row: Row) -> ConnectorState {
        func date(_ column: String) -> Date? {
            (row[column] as Double?).map(Date.init(timeIntervalSince1970:))
        }
        return ConnectorState(
            connector: row["connector"], endpoint: row["endpoint"], platform: row["platform"], cursor: row["cursor"],
            lastRunAt: date("last_run_at"), lastSuccessAt: date("last_success_at"),
            recordsFetched: row["records_fetched"], pagesFetched: row["pages_fetched"],
            lastError: row["last_error"], lastErrorAt: date("last_error_at"),
            consecutiveFailures: row["consecutive_failures"], nextRunAt: date("next_run_at")
        )
    }
}
