import Foundation
import PostgresNIO
import ShuniuCore

/// The instances sharing the database, each reporting itself while it runs.
extension PostgresStore: InstanceRoster {
    public func reportAlive(_ instance: HubInstance) async throws {
        try await write("reporting this instance") { [logger] connection in
            try await connection.run("""
                INSERT INTO hub_instance (name, host, pid, version, started_at, seen_at)
                VALUES (\(instance.name), \(instance.host), \(instance.pid), \(instance.version), \(instance.startedAt), \(instance.seenAt))
                ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version, seen_at = excluded.seen_at
                """, logger: logger)
        }
    }

    public func instances(seenSince since: Date) async throws -> [HubInstance] {
        try await connection("reading the instances") { [logger] connection in
            try await connection.rows(
                "SELECT * FROM hub_instance WHERE seen_at >= \(since) ORDER BY seen_at DESC, name", logger: logger
            ).map { row in
                HubInstance(
                    name: try row["name"].decode(String.self), host: try row["host"].decode(String.self), pid: try row["pid"].decode(Int.self),
                    version: try row["version"].decode(String.self), startedAt: try row["started_at"].decode(Date.self),
                    seenAt: try row["seen_at"].decode(Date.self)
                )
            }
        }
    }
}
