import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Every version of one record, oldest first.
    public func versions(dataset: DatasetID, key: String) async throws -> [StoredVersion] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM record_version WHERE dataset = ? AND business_key = ? ORDER BY version",
                arguments: [dataset.rawValue, key]
            ).map(HubStore.storedVersion(from:))
        }
    }

    /// The latest version of one record, if the hub has it.
    public func latestVersion(dataset: DatasetID, key: String) async throws -> StoredVersion? {
        try await versions(dataset: dataset, key: key).last
    }

    /// How many versions the hub holds in all.
    public func versionCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_version") ?? 0 }
    }

    static func storedVersion(from row: Row) -> StoredVersion {
        StoredVersion(
            sequence: row["id"], hubId: row["record_id"], dataset: DatasetID(row["dataset"] as String),
            businessKey: row["business_key"], version: row["version"], sourcePlatform: row["source_platform"],
            regionCode: row["region_code"], rawPayload: row["raw_payload"], normalizedPayload: row["normalized_payload"],
            contentHash: row["content_hash"], specVersion: row["spec_version"], receivedAt: row["received_at"]
        )
    }
}
