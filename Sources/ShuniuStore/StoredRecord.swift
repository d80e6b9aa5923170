import GRDB
import ShuniuCore

/// A record's row as ingest finds it: by its DATA_KEY when its dataset is identified so (scoped to
/// the sender and the platforms it succeeds), else by its key.
struct StoredRecord {
    var id: Int64
    var key: String
    var owner: String
    var latestVersion: Int
    var latestHash: String
    var dataKey: String?
    /// The latest version is a tombstone.
    var deleted: Bool
    var regionCode: String?

    private static let columns = "id, business_key, owner_platform, latest_version, latest_hash, data_key, deleted, region_code"

    static func find(_ record: ValidatedRecord, owners: [String], in db: Database) throws -> StoredRecord? {
        if record.identifiedByDataKey, let dataKey = record.dataKey {
            return try find(dataset: record.dataset, dataKey: dataKey, owners: owners, in: db)
        }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM record WHERE dataset = ? AND business_key = ?"),
            arguments: [record.dataset.rawValue, record.businessKey]
        )
        return row.map(StoredRecord.init)
    }

    /// The record of `dataset` that one of `owners` sent under `dataKey`.
    static func find(dataset: DatasetID, dataKey: String, owners: [String], in db: Database) throws -> StoredRecord? {
        let marks = owners.map { _ in "?" }.joined(separator: ", ")
        let row = try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM record WHERE dataset = ? AND data_key = ? AND owner_platform IN (\(marks)) ORDER BY id LIMIT 1",
            arguments: StatementArguments([dataset.rawValue, dataKey] + owners)
        )
        return row.map(StoredRecord.init)
    }

    init(row: Row) {
        id = row["id"]
        key = row["business_key"]
        owner = row["owner_platform"]
        latestVersion = row["latest_version"]
        latestHash = row["latest_hash"]
        dataKey = row["data_key"]
        deleted = row["deleted"]
        regionCode = row["region_code"]
    }

    /// What an update would change of the record's identity, or nil: its key fields (the ones
    /// before a DATA_KEY member, whose platform scope may be a predecessor's), or its DATA_KEY.
    func keyChange(to record: ValidatedRecord) -> String? {
        if let stored = dataKey, let sent = record.dataKey, stored != sent {
            return "its DATA_KEY is \(stored), not \(sent)"
        }
        guard !record.businessKey.isEmpty else { return nil }
        let ours = record.identifiedByDataKey ? key.split(separator: "|", omittingEmptySubsequences: false).dropLast().joined(separator: "|") : key
        let theirs = record.identifiedByDataKey ? record.businessKey.split(separator: "|", omittingEmptySubsequences: false).dropLast().joined(separator: "|") : record.businessKey
        return ours == theirs ? nil : "its key is \(key), this version's would be \(record.businessKey)"
    }
}
