import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Raises a dispute on the latest version of a record, audited as `dispute.open` (actor: the
    /// consumer). Throws ``StoreError/Code/recordNotFound`` when the hub has no such record.
    public func openDispute(
        dataset: DatasetID, key: String, field: String, fieldLabel: String?, reason: String,
        consumer: String, address: String?, at instant: Date = Date()
    ) async throws -> Dispute {
        try await pool.write { db in
            guard let record = try Row.fetchOne(
                db, sql: "SELECT id, owner_platform, latest_version FROM record WHERE dataset = ? AND business_key = ?",
                arguments: [dataset.rawValue, key]
            ) else {
                throw StoreError(.recordNotFound, "the hub has no record \(dataset) \(key)")
            }
            var dispute = Dispute(
                dataset: dataset, key: key, platform: record["owner_platform"], version: record["latest_version"], field: field,
                fieldLabel: fieldLabel, reason: reason, raisedBy: consumer, raisedAt: instant
            )
            try db.execute(
                sql: """
                    INSERT INTO dispute (record_id, dataset, business_key, platform, version, field, field_label, reason, raised_by, raised_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [record["id"] as Int64, dataset.rawValue, key, dispute.platform, dispute.version, field, fieldLabel, reason, consumer, instant]
            )
            dispute.id = db.lastInsertedRowID
            let detail = JSONText.object(["dispute": "\(dispute.id)", "platform": dispute.platform, "version": "\(dispute.version)",
                                          "field": field, "reason": reason])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .consumer, actor: consumer, action: "dispute.open", subject: "\(dataset)/\(key)", address: address, detail: detail),
                at: instant, in: db
            )
            return dispute
        }
    }

    /// Rejects an open dispute with the operator's reason, audited as `dispute.reject`; the
    /// record stands as it is.
    @discardableResult
    public func rejectDispute(_ id: Int64, by operatorName: String, reason: String) async throws -> Dispute {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM dispute WHERE id = ?", arguments: [id]) else {
                throw StoreError(.disputeNotFound, "no dispute \(id) (see shuniu disputes list)")
            }
            var dispute = try HubStore.dispute(from: row)
            guard dispute.status == .open else {
                throw StoreError(.disputeClosed, "dispute \(id) is \(dispute.status.rawValue) already (by \(dispute.resolvedBy ?? "?"))")
            }
            let now = Date()
            try db.execute(sql: "UPDATE dispute SET status = 'rejected', resolved_by = ?, resolved_at = ?, resolution = ? WHERE id = ?",
                           arguments: [operatorName, now, reason, id])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "dispute.reject", subject: "\(dispute.dataset)/\(dispute.key)",
                           detail: JSONText.object(["dispute": "\(id)", "reason": reason])),
                at: now, in: db
            )
            dispute.status = .rejected
            dispute.resolvedBy = operatorName
            dispute.resolvedAt = now
            dispute.resolution = reason
            return dispute
        }
    }

    /// Disputes, newest first, optionally of one platform's records and in one status.
    public func disputes(platform: String? = nil, status: DisputeStatus? = nil, limit: Int = 200) async throws -> [Dispute] {
        try await pool.read { db in
            var sql = "SELECT * FROM dispute WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let platform {
                sql += " AND platform = ?"
                arguments += [platform]
            }
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(HubStore.dispute(from:))
        }
    }

    public func dispute(_ id: Int64) async throws -> Dispute? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dispute WHERE id = ?", arguments: [id]).map(HubStore.dispute(from:))
        }
    }

    /// Open disputes by record (hub id), for marking records as they are read.
    public func openDisputes(records: Set<Int64>) async throws -> [Int64: [Dispute]] {
        guard !records.isEmpty else { return [:] }
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM dispute WHERE status = 'open' AND record_id IN (\(databaseQuestionMarks(count: records.count))) ORDER BY id",
                arguments: StatementArguments(Array(records))
            )
            var found: [Int64: [Dispute]] = [:]
            for row in rows { found[row["record_id"], default: []].append(try HubStore.dispute(from: row)) }
            return found
        }
    }

    /// Closes, as corrected by the record's new version, each open dispute whose field the new
    /// version changes; a dispute about a field the version leaves alone stays open. Called in
    /// the transaction that stores the version.
    static func closeDisputes(recordID: Int64, correctedBy version: Int, payload: String, platform: PlatformID, at instant: Date, in db: Database) throws {
        let open = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, field FROM dispute WHERE record_id = ? AND status = 'open'"), arguments: [recordID])
        guard !open.isEmpty else { return }
        let previous = try String.fetchOne(
            db.cachedStatement(sql: "SELECT normalized_payload FROM record_version WHERE record_id = ? AND version = ?"), arguments: [recordID, version - 1]
        )
        func fields(_ text: String?) -> [String: JSONValue] {
            (try? JSONDecoder().decode([String: JSONValue].self, from: Data((text ?? "{}").utf8))) ?? [:]
        }
        let (before, after) = (fields(previous), fields(payload))
        for row in open {
            let (id, field): (Int64, String) = (row["id"], row["field"])
            guard before[field] != after[field] else { continue }
            try db.execute(
                sql: "UPDATE dispute SET status = 'corrected', resolved_by = ?, resolved_at = ?, resolution = ?, corrected_version = ? WHERE id = ?",
                arguments: [platform.rawValue, instant, "\(field) corrected by version \(version)", version, id]
            )
            try appendAudit(
                AuditEvent(actorKind: .platform, actor: platform.rawValue, action: "dispute.corrected", subject: "\(id)",
                           detail: JSONText.object(["dispute": "\(id)", "field": field, "version": "\(version)"])),
                at: instant, in: db
            )
        }
    }

    static func dispute(from row: Row) throws -> Dispute {
        let id: Int64 = row["id"]
        guard let status = DisputeStatus(rawValue: row["status"]) else {
            throw StoreError(.corruptRow, "dispute \(id) has an unknown status")
        }
        return Dispute(
            id: id, dataset: DatasetID(row["dataset"] as String), key: row["business_key"], platform: row["platform"], version: row["version"],
            field: row["field"], fieldLabel: row["field_label"], reason: row["reason"], raisedBy: row["raised_by"], raisedAt: row["raised_at"],
            status: status, resolvedBy: row["resolved_by"], resolvedAt: row["resolved_at"], resolution: row["resolution"],
            correctedVersion: row["corrected_version"]
        )
    }
}
