import Foundation
import GRDB
import ShuniuCore

/// The SQLite engine's roster: one daemon at a time holds the store (the daemon lock), but the
/// reports read the same as on an engine several instances share.
extension HubStore: InstanceRoster {
    public func reportAlive(_ instance: HubInstance) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO hub_instance (name, host, pid, version, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version, seen_at = excluded.seen_at
                """, arguments: [
                    instance.name, instance.host, instance.pid, instance.version,
                    instance.startedAt.timeIntervalSince1970, instance.seenAt.timeIntervalSince1970,
                ])
        }
    }

    public func instances(seenSince since: Date) async throws -> [HubInstance] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hub_instance WHERE seen_at >= ? ORDER BY seen_at DESC, name", arguments: [since.timeIntervalSince1970]).map { row in
                HubInstance(
                    name: row["name"], host: row["host"], pid: row["pid"], version: row["version"],
                    startedAt: Date(timeIntervalSince1970: row["started_at"]), seenAt: Date(timeIntervalSince1970: row["seen_at"])
                )
            }
        }
    }
}
