import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    public func deadLetters(_ filter: DeadLetterFilter, limit: Int = 100) async throws -> [DeadLetter] {
        try await pool.read { db in
            let (condition, arguments) = HubStore.deadLetterCondition(filter)
            return try Row.fetchAll(db, sql: HubStore.deadLetterSelect + condition + " ORDER BY d.id LIMIT ?", arguments: arguments + [limit])
                .map(HubStore.deadLetter(from:))
        }
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: HubStore.deadLetterSelect + " AND d.id = ?", arguments: [id]).map(HubStore.deadLetter(from:))
        }
    }

    /// Queues dead letters again, with a fresh retry schedule; audited as `dead-letter.retry`.
    /// `ids` nil means every dead letter the filter matches. Returns how many.
    @discardableResult
    public func retryDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String) async throws -> Int {
        try await changeDeadLetters(ids: ids, matching: filter, by: operatorName, action: "dead-letter.retry", reason: nil) { db, id, now in
            try db.execute(sql: "UPDATE delivery SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
        }
    }

    /// Marks dead letters discarded (kept as history, never sent); audited as `dead-letter.discard`.
    @discardableResult
    public func discardDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String, reason: String?) async throws -> Int {
        try await changeDeadLetters(ids: ids, matching: filter, by: operatorName, action: "dead-letter.discard", reason: reason) { db, id, _ in
            try db.execute(sql: "UPDATE delivery SET state = 'discarded' WHERE id = ?", arguments: [id])
        }
    }

    private func changeDeadLetters(
        ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String, action: String, reason: String?,
        change: @escaping @Sendable (Database, Int64, Date) throws -> Void
    ) async throws -> Int {
        try await pool.write { db in
            let (condition, arguments) = HubStore.deadLetterCondition(filter)
            var matched = try Int64.fetchAll(db, sql: "SELECT d.id FROM delivery d JOIN record_version v ON v.id = d.version_id WHERE d.state = 'dead'" + condition, arguments: arguments)
            if let ids { matched = matched.filter(Set(ids).contains) }
            let now = Date()
            for id in matched { try change(db, id, now) }
            let detail = JSONText.encode(DeadLetterAuditDetail(ids: matched, filter: filter, reason: reason))
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: filter.destination, detail: detail),
                at: now, in: db
            )
            return matched.count
        }
    }

    static let deadLetterSelect = """
        SELECT d.id, d.destination, d.attempts, d.last_status, d.last_error, d.last_response, d.enqueued_at, d.last_attempt_at,
               v.dataset, v.business_key, v.version, v.source_platform
        FROM delivery d JOIN record_version v ON v.id = d.version_id WHERE d.state = 'dead'
        """

    static func deadLetterCondition(_ filter: DeadLetterFilter) -> (String, StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let destination = filter.destination { sql += " AND d.destination = ?"; arguments += [destination] }
        if let dataset = filter.dataset { sql += " AND v.dataset = ?"; arguments += [dataset.rawValue] }
        if let platform = filter.platform { sql += " AND v.source_platform = ?"; arguments += [platform.rawValue] }
        if let since = filter.since { sql += " AND d.last_attempt_at >= ?"; arguments += [since.timeIntervalSince1970] }
        if let until = filter.until { sql += " AND d.last_attempt_at < ?"; arguments += [until.timeIntervalSince1970] }
        if let text = filter.errorContains {
            sql += " AND (instr(d.last_error, ?) > 0 OR instr(d.last_response, ?) > 0)"
            arguments += [text, text]
        }
        return (sql, arguments)
    }

    static func deadLetter(from row: Row) -> DeadLetter {
        DeadLetter(
            id: row["id"], destination: row["destination"], dataset: row["dataset"], key: row["business_key"], version: row["version"],
            sourcePlatform: row["source_platform"], attempts: row["attempts"], lastStatus: row["last_status"], lastError: row["last_error"],
            upstreamResponse: row["last_response"], enqueuedAt: Date(timeIntervalSince1970: row["enqueued_at"]),
            lastAttemptAt: (row["last_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }
}

struct DeadLetterAuditDetail: Encodable {
    var ids: [Int64]
    var filter: DeadLetterFilter
    var reason: String?
}
