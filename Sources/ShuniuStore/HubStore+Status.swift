import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    public func status() async throws -> HubStatus {
        let (holdings, platforms, consumers, disputes, audit) = try await pool.read { db in
            let recordCounts = try Row.fetchAll(db, sql: """
                SELECT dataset, owner_platform AS platform, COUNT(*) AS n FROM record GROUP BY dataset, owner_platform
                """)
            let versionCounts = try Row.fetchAll(db, sql: """
                SELECT dataset, source_platform AS platform, COUNT(*) AS n FROM record_version GROUP BY dataset, source_platform
                """)
            var holdings: [String: HubStatus.Holding] = [:]
            for row in recordCounts {
                let dataset: String = row["dataset"], platform: String = row["platform"]
                holdings["\(dataset)|\(platform)", default: .init(dataset: dataset, platform: platform, records: 0, versions: 0)].records = row["n"]
            }
            for row in versionCounts {
                let dataset: String = row["dataset"], platform: String = row["platform"]
                holdings["\(dataset)|\(platform)", default: .init(dataset: dataset, platform: platform, records: 0, versions: 0)].versions = row["n"]
            }
            let platforms = try Row.fetchAll(db, sql: "SELECT id, name, status, certified_until, last_ingest_at FROM platform ORDER BY id").map { row in
                HubStatus.PlatformActivity(id: row["id"], name: row["name"], status: row["status"], certifiedUntil: row["certified_until"], lastIngestAt: row["last_ingest_at"])
            }
            let consumers = try Row.fetchAll(db, sql: "SELECT id, name, status, last_read_at FROM consumer ORDER BY id").map { row in
                HubStatus.ConsumerActivity(id: row["id"], name: row["name"], status: row["status"], lastReadAt: row["last_read_at"])
            }
            var disputes: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT platform, COUNT(*) AS n FROM dispute WHERE status = 'open' GROUP BY platform") {
                disputes[row["platform"]] = row["n"]
            }
            let audit = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_entry") ?? 0
            let sorted = holdings.values.sorted { (DatasetID($0.dataset), $0.platform) < (DatasetID($1.dataset), $1.platform) }
            return (sorted, platforms, consumers, disputes, audit)
        }
        return HubStatus(
            engine: engineName, location: path, storeBytes: sizeOnDisk(),
            records: holdings.reduce(0) { $0 + $1.records }, versions: holdings.reduce(0) { $0 + $1.versions },
            holdings: holdings, platforms: platforms, consumers: consumers, openDisputes: disputes, auditEntries: audit
        )
    }
}
