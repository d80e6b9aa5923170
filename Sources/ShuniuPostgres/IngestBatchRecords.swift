import Foundation
import Logging
import PostgresNIO
import ShuniuCore

/// The records one ingest batch may touch, read in one statement under the ingest lock and then
/// kept as the batch decides, so that each record is decided against what the records before it
/// in the batch made (a key sent twice, a DATA_KEY or duplicate-check values taken earlier in the
/// batch) exactly as if they were stored already, without a round trip per record.
///
/// Why the one read is enough: it fetches every record whose key, DATA_KEY or duplicate-check
/// values any record of the batch names. A record the batch changes was found by one of those, and
/// a record the batch makes is added here; so every lookup a decision makes is answered here.
struct IngestBatchRecords {
    /// A record as the batch sees it: as stored, or as the batch has made or changed it.
    struct Entry {
        var held: HeldRecord
        var dataset: DatasetID
        var uniqueValues: String?
        /// The latest version's content when this batch wrote it; nil when it is the stored one.
        var written: Content?
    }

    /// A version's content, which a tombstone repeats and a correction compares with.
    struct Content {
        var normalized: String
        var extra: String?
    }

    private struct Named: Hashable {
        var dataset: DatasetID
        var value: String
    }

    private(set) var entries: [Int64: Entry] = [:]
    /// Records the batch makes, in the order made.
    private(set) var made: [Int64] = []
    private var madeIDs: Set<Int64> = []
    /// Stored records the batch changes.
    private(set) var changed: Set<Int64> = []
    private var byKey: [Named: Int64] = [:]
    // These two only grow: a lookup checks each candidate's current values, so an entry whose
    // values the batch changed is still listed under the old ones but no longer matches.
    private var byDataKey: [Named: [Int64]] = [:]
    private var byUniqueValues: [Named: [Int64]] = [:]

    private static let columns = "id, dataset, business_key, owner_platform, latest_version, latest_hash, data_key, deleted, region_code, unique_values"

    /// Reads the records that `records` (sent by `platform`, speaking for `owners`) may name.
    static func read(
        for records: [ValidatedRecord], platform: PlatformID, owners: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> IngestBatchRecords {
        var batch = IngestBatchRecords()
        guard !records.isEmpty else { return batch }
        let withDataKey = records.filter { $0.dataKey != nil }
        let withValues = records.filter { $0.uniqueValues != nil }
        let rows = try await connection.rows("""
            SELECT \(unescaped: columns) FROM record
            WHERE (dataset, business_key) IN (SELECT * FROM unnest(\(records.map(\.dataset.rawValue))::text[], \(records.map(\.businessKey))::text[]))
            UNION
            SELECT \(unescaped: columns) FROM record
            WHERE (dataset, data_key) IN (SELECT * FROM unnest(\(withDataKey.map(\.dataset.rawValue))::text[], \(withDataKey.compactMap(\.dataKey))::text[]))
              AND owner_platform = ANY(\(owners))
            UNION
            SELECT \(unescaped: columns) FROM record
            WHERE (dataset, unique_values) IN (SELECT * FROM unnest(\(withValues.map(\.dataset.rawValue))::text[], \(withValues.compactMap(\.uniqueValues))::text[]))
              AND owner_platform = \(platform.rawValue) AND NOT deleted
            """, logger: logger)
        for row in rows {
            batch.add(Entry(
                held: HeldRecord(
                    id: try row["id"].decode(Int64.self), key: try row["business_key"].decode(String.self),
                    owner: try row["owner_platform"].decode(String.self), latestVersion: try row["latest_version"].decode(Int.self),
                    latestHash: try row["latest_hash"].decode(String.self), dataKey: try row["data_key"].decode(String?.self),
                    deleted: try row["deleted"].decode(Bool.self), regionCode: try row["region_code"].decode(String?.self)
                ),
                dataset: DatasetID(try row["dataset"].decode(String.self)), uniqueValues: try row["unique_values"].decode(String?.self)
            ))
        }
        return batch
    }

    // MARK: Lookups, as the SQL of a record-by-record ingest would answer them

    /// The record `record` names: by its DATA_KEY when its dataset is identified so (among `owners`' records), else by its key.
    func find(_ record: ValidatedRecord, owners: [String]) -> HeldRecord? {
        if record.identifiedByDataKey, let dataKey = record.dataKey {
            return holder(of: dataKey, in: record.dataset, owners: owners)
        }
        return byKey[Named(dataset: record.dataset, value: record.businessKey)].flatMap { entries[$0]?.held }
    }

    /// The first record of `owners` holding `dataKey` in `dataset`.
    func holder(of dataKey: String, in dataset: DatasetID, owners: [String]) -> HeldRecord? {
        (byDataKey[Named(dataset: dataset, value: dataKey)] ?? []).sorted().lazy
            .compactMap { self.entries[$0]?.held }
            .first { $0.dataKey == dataKey && owners.contains($0.owner) }
    }

    /// The key of a live record of `platform` in `dataset` with these duplicate-check values.
    func repeating(_ values: String, in dataset: DatasetID, platform: PlatformID) -> String? {
        (byUniqueValues[Named(dataset: dataset, value: values)] ?? []).sorted().lazy
            .compactMap { self.entries[$0] }
            .first { $0.uniqueValues == values && $0.held.owner == platform.rawValue && !$0.held.deleted }?.held.key
    }

    func entry(_ id: Int64) -> Entry? { entries[id] }

    // MARK: What the batch makes and changes

    /// A record the batch makes (version 1 of `record`, under `id`).
    mutating func make(_ record: ValidatedRecord, id: Int64, owner: PlatformID) {
        add(Entry(
            held: HeldRecord(
                id: id, key: record.businessKey, owner: owner.rawValue, latestVersion: 1, latestHash: record.contentHash,
                dataKey: record.dataKey, deleted: false, regionCode: record.regionCode
            ),
            dataset: record.dataset, uniqueValues: record.uniqueValues,
            written: Content(normalized: record.normalizedPayload, extra: record.extraPayload)
        ))
        made.append(id)
        madeIDs.insert(id)
    }

    /// A new version of `id` (an update, or a revival when it was deleted) with `record`'s content.
    mutating func storeVersion(of id: Int64, from record: ValidatedRecord) {
        change(id) { entry in
            entry.held.latestVersion += 1
            entry.held.latestHash = record.contentHash
            entry.held.regionCode = record.regionCode
            entry.held.deleted = false
            entry.held.dataKey = entry.held.dataKey ?? record.dataKey
            entry.uniqueValues = record.uniqueValues
            entry.written = Content(normalized: record.normalizedPayload, extra: record.extraPayload)
        }
    }

    /// A tombstone of `id`, repeating `content` (its last version's).
    mutating func delete(_ id: Int64, content: Content) {
        change(id) { entry in
            entry.held.latestVersion += 1
            entry.held.deleted = true
            entry.written = content
        }
    }

    private mutating func change(_ id: Int64, _ body: (inout Entry) -> Void) {
        guard var entry = entries[id] else { return }
        body(&entry)
        add(entry)
        if !madeIDs.contains(id) { changed.insert(id) }
    }

    private mutating func add(_ entry: Entry) {
        let id = entry.held.id
        let isNew = entries[id] == nil
        entries[id] = entry
        if isNew { byKey[Named(dataset: entry.dataset, value: entry.held.key)] = id }
        if let dataKey = entry.held.dataKey { Self.list(id, under: Named(dataset: entry.dataset, value: dataKey), in: &byDataKey) }
        if let values = entry.uniqueValues { Self.list(id, under: Named(dataset: entry.dataset, value: values), in: &byUniqueValues) }
    }

    private static func list(_ id: Int64, under name: Named, in index: inout [Named: [Int64]]) {
        if !(index[name]?.contains(id) ?? false) { index[name, default: []].append(id) }
    }
}
