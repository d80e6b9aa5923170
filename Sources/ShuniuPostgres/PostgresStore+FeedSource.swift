import Foundation
import PostgresNIO
import ShuniuCore

/// The feed and a record's history on PostgreSQL.
extension PostgresStore: FeedSource {
    /// How many sequence numbers past the cursor a page scans at most, as on SQLite: a filter
    /// that matches little costs a bounded read, and the cursor still moves past what was scanned.
    static let feedScanWindow: Int64 = 100_000

    public func feedPage(_ query: FeedQuery) async throws -> FeedPage {
        try await feedPage(query, scanWindow: Self.feedScanWindow)
    }

    /// The page goes by `record_version.id`, and that is safe with several instances because ids
    /// follow commit order: every version is written under the ingest lock (a transaction advisory
    /// lock, PostgresStore+IngestLedger.swift), which a batch takes before it draws ids and keeps
    /// until it has committed. So when a reader sees id n, every commit that drew a smaller id has
    /// committed and is visible; a later commit draws larger ids. A cursor never passes a version
    /// that commits afterwards (a rolled-back batch leaves a gap that stays empty).
    package func feedPage(_ query: FeedQuery, scanWindow: Int64) async throws -> FeedPage {
        try await connection("reading the feed") { [logger] connection in
            let highWater = try await connection.rows("SELECT COALESCE(MAX(id), 0) AS high FROM record_version", logger: logger)[0]["high"].decode(Int64.self)
            let scanTo = min(highWater, query.after + scanWindow)
            guard scanTo > query.after, !query.datasets.isEmpty else {
                return FeedPage(versions: [], next: max(query.after, 0), more: false, latest: highWater)
            }
            let sql: PostgresQuery = """
                SELECT \(unescaped: Self.versionColumns) FROM record_version v
                WHERE v.id > \(query.after) AND v.id <= \(scanTo) AND v.dataset = ANY(\(query.datasets.map(\.rawValue)))
                  AND (\(query.regionPrefix)::text IS NULL OR left(v.region_code, \(query.regionPrefix?.count ?? 0)::integer) = \(query.regionPrefix))
                  AND (\(query.platform)::text IS NULL OR v.source_platform = \(query.platform))
                ORDER BY v.id LIMIT \(query.limit)
                """
            let versions = try await connection.rows(sql, logger: logger).map(Self.storedVersion)
            let next = versions.count == query.limit ? versions[versions.count - 1].sequence : scanTo
            return FeedPage(versions: versions, next: next, more: next < highWater, latest: highWater)
        }
    }

    public func versions(dataset: DatasetID, key: String) async throws -> [StoredVersion] {
        try await connection("reading a record's versions") { [logger] connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.versionColumns) FROM record r JOIN record_version v ON v.record_id = r.id
                WHERE r.dataset = \(dataset.rawValue) AND r.business_key = \(key) ORDER BY v.version
                """, logger: logger).map(Self.storedVersion)
        }
    }

    public func openDisputes(records: Set<Int64>) async throws -> [Int64: [Dispute]] {
        guard !records.isEmpty else { return [:] }
        return try await connection("reading open disputes") { [logger] connection in
            var found: [Int64: [Dispute]] = [:]
            for row in try await connection.rows(
                "SELECT * FROM dispute WHERE status = 'open' AND record_id = ANY(\(Array(records))) ORDER BY id", logger: logger
            ) {
                found[try row["record_id"].decode(Int64.self), default: []].append(try Self.dispute(from: row))
            }
            return found
        }
    }

    public func withdrawals(records: Set<Int64>) async throws -> [Int64: [Withdrawal]] {
        guard !records.isEmpty else { return [:] }
        return try await connection("reading withdrawals") { [logger] connection in
            var found: [Int64: [Withdrawal]] = [:]
            for row in try await connection.rows("""
                SELECT w.record_id, w.withdrawn_at, v.dataset, v.business_key, v.version
                FROM record_withdrawal w JOIN record_version v ON v.id = w.withdrawal_version_id
                WHERE w.record_id = ANY(\(Array(records))) ORDER BY v.id
                """, logger: logger) {
                found[try row["record_id"].decode(Int64.self), default: []].append(Withdrawal(
                    dataset: DatasetID(try row["dataset"].decode(String.self)), key: try row["business_key"].decode(String.self),
                    version: try row["version"].decode(Int.self), at: try row["withdrawn_at"].decode(Date.self)
                ))
            }
            return found
        }
    }

    static func dispute(from row: PostgresRandomAccessRow) throws -> Dispute {
        let id = try row["id"].decode(Int64.self)
        guard let status = DisputeStatus(rawValue: try row["status"].decode(String.self)) else {
            throw StoreError(.corruptRow, "dispute \(id) has an unknown status")
        }
        return Dispute(
            id: id, dataset: DatasetID(try row["dataset"].decode(String.self)), key: try row["business_key"].decode(String.self),
            platform: try row["platform"].decode(String.self), version: try row["version"].decode(Int.self), field: try row["field"].decode(String.self),
            fieldLabel: try row["field_label"].decode(String?.self), reason: try row["reason"].decode(String.self),
            raisedBy: try row["raised_by"].decode(String.self), raisedAt: try row["raised_at"].decode(Date.self), status: status,
            resolvedBy: try row["resolved_by"].decode(String?.self), resolvedAt: try row["resolved_at"].decode(Date?.self),
            resolution: try row["resolution"].decode(String?.self), correctedVersion: try row["corrected_version"].decode(Int?.self)
        )
    }
}
