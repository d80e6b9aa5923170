import GRDB
import ShuniuCore

/// Finds the record a new version belongs to, as ``HeldRecord``: by its DATA_KEY when its dataset
/// is identified so (scoped to the sender and the platforms it succeeds), else by its key.
enum StoredRecord {
    private static let columns = "id, business_key, owner_platform, latest_version, latest_hash, data_key, deleted, region_code"

    static func find(_ record: ValidatedRecord, owners: [String], in db: Database) throws -> HeldRecord? {
        if record.identifiedByDataKey, let dataKey = record.dataKey {
            return try find(dataset: record.dataset, dataKey: dataKey, owners: owners, in: db)
        }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM record WHERE dataset = ? AND business_key = ?"),
            arguments: [record.dataset.rawValue, record.businessKey]
        )
        return row.map(held)
    }

    /// The record of `dataset` that one of `owners` sent under `dataKey`.
    static func find(dataset: DatasetID, dataKey: String, owners: [String], in db: Database) throws -> HeldRecord? {
        let marks = owners.map { _ in "?" }.joined(separator: ", ")
        let row = try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM record WHERE dataset = ? AND data_key = ? AND owner_platform IN (\(marks)) ORDER BY id LIMIT 1",
            arguments: StatementArguments([dataset.rawValue, dataKey] + owners)
        )
        return row.map(held)
    }

    private static func held(_ row: Row) -> HeldRecord {
        HeldRecord(
            id: row["id"], key: row["business_key"], owner: row["owner_platform"], latestVersion: row["latest_version"],
            latestHash: row["latest_hash"], dataKey: row["data_key"], deleted: row["deleted"], regionCode: row["region_code"]
        )
    }
}
