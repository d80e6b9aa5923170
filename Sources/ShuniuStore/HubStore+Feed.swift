import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Versions are numbered in commit order: the store has one writer and each commit takes the
    /// next numbers, so when a reader sees number n every earlier commit is visible too, and a
    /// cursor never skips a version that committed late. (A store with several writers must
    /// hold the page back to the oldest commit in flight instead.)
    ///
    /// A page scans at most `scanWindow` sequence numbers past the cursor, so that a filter that
    /// matches little costs a bounded read; the cursor still moves past what was scanned.
    public func feedPage(_ query: FeedQuery, scanWindow: Int64) async throws -> FeedPage {
        try await pool.read { db in
            let highWater = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM record_version") ?? 0
            let scanTo = min(highWater, query.after + scanWindow)
            guard scanTo > query.after, !query.datasets.isEmpty else {
                return FeedPage(versions: [], next: max(query.after, 0), more: false, latest: highWater)
            }
            var sql = "SELECT * FROM record_version WHERE id > ? AND id <= ? AND dataset IN (\(databaseQuestionMarks(count: query.datasets.count)))"
            var arguments: StatementArguments = [query.after, scanTo]
            arguments += StatementArguments(query.datasets.map(\.rawValue))
            if let prefix = query.regionPrefix {
                sql += " AND substr(region_code, 1, ?) = ?"
                arguments += [prefix.count, prefix]
            }
            if let platform = query.platform {
                sql += " AND source_platform = ?"
                arguments += [platform]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [query.limit]
            let versions = try Row.fetchAll(db, sql: sql, arguments: arguments).map(HubStore.storedVersion(from:))
            let next = versions.count == query.limit ? versions[versions.count - 1].sequence : scanTo
            return FeedPage(versions: versions, next: next, more: next < highWater, latest: highWater)
        }
    }

    /// The sequence number of the latest committed version (0 when there is none).
    public func latestSequence() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM record_version") ?? 0 }
    }

    /// Records a read that was answered: claims the request's nonce and appends its audit entry,
    /// in one transaction. Throws ``StoreError/Code/nonceReused`` (nothing recorded) when another
    /// request used the nonce first.
    public func commitRead(by consumer: Consumer, nonce: String, audit event: AuditEvent, at instant: Date = Date()) async throws {
        try await health.track {
            try await pool.write { db in
                do {
                    try db.execute(sql: "INSERT INTO request_nonce (app_key, nonce, seen_at) VALUES (?, ?, ?)",
                                   arguments: [consumer.nonceNamespace, nonce, instant.timeIntervalSince1970])
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw StoreError(.nonceReused, "nonce \(nonce) was already used", cause: error)
                }
                try db.execute(sql: "UPDATE consumer SET last_read_at = ? WHERE id = ?", arguments: [instant, consumer.id])
                try HubStore.appendAudit(event, at: instant, in: db)
            }
        }
    }
}
