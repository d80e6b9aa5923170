import Foundation
import PostgresNIO
import ShuniuCore

/// The PostgreSQL engine's administration: the database is the operator's, copied with
/// PostgreSQL's own tools, kept on a server whose disk the hub cannot see.
extension PostgresStore: StoreAdministration {
    /// The database's URL, its password left out.
    public var location: String {
        var shown = configuration
        shown.password = nil
        return shown.description
    }

    public func status() async throws -> HubStatus {
        try await transaction("reading the hub's status") { [logger] connection in
            var holdings: [String: HubStatus.Holding] = [:]
            for row in try await connection.rows("SELECT dataset, owner_platform AS platform, COUNT(*) AS n FROM record GROUP BY dataset, owner_platform", logger: logger) {
                let (dataset, platform) = (try row["dataset"].decode(String.self), try row["platform"].decode(String.self))
                holdings["\(dataset)|\(platform)", default: .init(dataset: dataset, platform: platform, records: 0, versions: 0)].records = try row["n"].decode(Int.self)
            }
            for row in try await connection.rows("SELECT dataset, source_platform AS platform, COUNT(*) AS n FROM record_version GROUP BY dataset, source_platform", logger: logger) {
                let (dataset, platform) = (try row["dataset"].decode(String.self), try row["platform"].decode(String.self))
                holdings["\(dataset)|\(platform)", default: .init(dataset: dataset, platform: platform, records: 0, versions: 0)].versions = try row["n"].decode(Int.self)
            }
            let platforms = try await connection.rows("SELECT id, name, status, certified_until::text AS until, last_ingest_at FROM platform ORDER BY id", logger: logger).map { row in
                HubStatus.PlatformActivity(
                    id: try row["id"].decode(String.self), name: try row["name"].decode(String.self), status: try row["status"].decode(String.self),
                    certifiedUntil: try row["until"].decode(String.self), lastIngestAt: try row["last_ingest_at"].decode(Date?.self)
                )
            }
            let consumers = try await connection.rows("SELECT id, name, status, last_read_at FROM consumer ORDER BY id", logger: logger).map { row in
                HubStatus.ConsumerActivity(
                    id: try row["id"].decode(String.self), name: try row["name"].decode(String.self), status: try row["status"].decode(String.self),
                    lastReadAt: try row["last_read_at"].decode(Date?.self)
                )
            }
            var disputes: [String: Int] = [:]
            for row in try await connection.rows("SELECT platform, COUNT(*) AS n FROM dispute WHERE status = 'open' GROUP BY platform", logger: logger) {
                disputes[try row["platform"].decode(String.self)] = try row["n"].decode(Int.self)
            }
            let audit = try await connection.rows("SELECT COUNT(*) AS n FROM audit_entry", logger: logger)[0]["n"].decode(Int.self)
            let bytes = try await connection.rows("SELECT pg_database_size(current_database()) AS bytes", logger: logger)[0]["bytes"].decode(Int64.self)
            let sorted = holdings.values.sorted { (DatasetID($0.dataset), $0.platform) < (DatasetID($1.dataset), $1.platform) }
            return HubStatus(
                engine: engineName, location: location, storeBytes: bytes,
                records: sorted.reduce(0) { $0 + $1.records }, versions: sorted.reduce(0) { $0 + $1.versions },
                holdings: sorted, platforms: platforms, consumers: consumers, openDisputes: disputes, auditEntries: audit
            )
        }
    }

    /// The database's size as PostgreSQL counts it (tables, indexes, TOAST).
    public func storeBytes() async throws -> Int64 {
        try await connection("measuring the database") { [logger] connection in
            try await connection.rows("SELECT pg_database_size(current_database()) AS bytes", logger: logger)[0]["bytes"].decode(Int64.self)
        }
    }

    /// The database server's disk is not this machine's: its operator watches it.
    public func freeDiskBytes() -> Int64? { nil }

    public func observeWriteState(_ handler: @escaping @Sendable (StoreWriteState) -> Void) {
        health.observe(handler)
    }

    /// Refuses: a copy of a database that several instances write is made by `pg_dump`, which
    /// reads one consistent snapshot while they run. The message gives the command.
    public func backup(to file: String, by operatorName: String) async throws -> BackupCheck {
        throw StoreError(.backupUnsupported, """
            the PostgreSQL engine makes no backups of its own: copy the database with pg_dump, which reads one consistent snapshot while the hub runs \
            (the password from ~/.pgpass or $PGPASSWORD): pg_dump --format=custom --file=\(Self.shellQuoted(file)) \(Self.shellQuoted(location)) \
            (restored into an empty database with pg_restore --dbname=URL \(Self.shellQuoted(file)))
            """)
    }

    /// `text` as one shell word.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
