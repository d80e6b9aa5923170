import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Every version of one record, oldest first.
    public func versions(dataset: DatasetID, key: String) async throws -> [StoredVersion] {
        try await pool.read { db in
            // Through the record's (dataset, key) index, then its versions' (record, version) index.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.* FROM record r JOIN record_version v ON v.record_id = r.id
                    WHERE r.dataset = ? AND r.business_key = ? ORDER BY v.version
                    """,
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
            contentHash: row["content_hash"], specVersion: row["spec_version"], receivedAt: row["received_at"],
            mappingVersion: row["mapping_version"], sourcePath: row["source_path"], payloadID: row["payload_id"],
            signature: row["signature"], flags: row["flags"], extra: row["extra"], dataKey: row["data_key"],
            operation: (row["operation"] as String?).flatMap(RecordOperation.init(rawValue:)) ?? ((row["version"] as Int) == 1 ? .insert : .update)
        )
    }

    /// A stored payload's bytes exactly as the platform sent them.
    public func rawPayload(id: Int64) async throws -> RawPayload? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT format, sha256, body FROM raw_payload WHERE id = ?", arguments: [id]).map { row in
                RawPayload(format: row["format"], body: Array(row["body"] as Data), sha256: row["sha256"])
            }
        }
    }

    /// The latest fields of the records that lookups name, for reference checks (deleted records
    /// name nothing): by whole key, or by its leading fields (a range scan on the `(dataset, business_key)` index).
    public func latestFields(_ lookups: Set<RecordLookup>) async throws -> [RecordLookup: [LatestFields]] {
        guard !lookups.isEmpty else { return [:] }
        return try await pool.read { db in
            var found: [RecordLookup: [LatestFields]] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT r.business_key, r.owner_platform, v.normalized_payload FROM record r
                JOIN record_version v ON v.record_id = r.id AND v.version = r.latest_version
                WHERE r.dataset = ? AND r.deleted = 0 AND (r.business_key = ? OR (r.business_key > ? AND r.business_key < ?))
                """)
            for lookup in lookups {
                let key = lookup.keyParts.joined(separator: "|")
                // Keys are joined by "|"; "}" is the next character, so the range holds every longer key.
                let (low, high) = lookup.isWholeKey ? (key, key) : (key + "|", key + "}")
                let rows = try Row.fetchAll(statement, arguments: [lookup.dataset.rawValue, key, low, high])
                found[lookup] = rows.map { row in
                    LatestFields(businessKey: row[0], platform: row[1], fields: LatestFields.decode(row[2]))
                }
            }
            return found
        }
    }
}
