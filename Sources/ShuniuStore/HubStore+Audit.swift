import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// The `previous_hash` of the first entry.
    static let auditGenesisHash = AuditChain.genesisHash

    /// Appends one audit entry in its own transaction.
    @discardableResult
    public func appendAudit(_ event: AuditEvent, at instant: Date = Date()) async throws -> AuditEntry {
        try await health.track { try await pool.write { db in try HubStore.appendAudit(event, at: instant, in: db) } }
    }

    /// Appends many entries in one transaction: for filling large stores quickly (`shuniu-bench`).
    package func appendAudit(_ events: [AuditEvent], at instant: Date) async throws {
        try await pool.write { db in
            for event in events { try HubStore.appendAudit(event, at: instant, in: db) }
        }
    }

    /// Appends one entry inside the caller's transaction, chaining it to the last one.
    @discardableResult
    static func appendAudit(_ event: AuditEvent, at instant: Date, in db: Database) throws -> AuditEntry {
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1") ?? auditGenesisHash
        let nextID = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'") ?? 0) + 1
        let atText = auditTimestamp(instant)
        var entry = AuditEntry(
            id: nextID, at: parseAuditTimestamp(atText) ?? instant, actorKind: event.actorKind, actor: event.actor, action: event.action,
            outcome: event.outcome, subject: event.subject, address: event.address, detail: event.detail,
            previousHash: previous, hash: ""
        )
        // Keyed under the store's audit key by the SQL function its connections carry.
        entry.hash = try String.fetchOne(
            db.cachedStatement(sql: "SELECT shuniu_audit_chain_hash(?)"), arguments: [chainText(of: entry, atText: atText)]
        ) ?? ""
        try db.execute(
            sql: """
                INSERT INTO audit_entry (id, at, actor_kind, actor, action, outcome, subject, address, detail, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [entry.id, atText, entry.actorKind.rawValue, entry.actor, entry.action, entry.outcome,
                        entry.subject, entry.address, entry.detail, entry.previousHash, entry.hash]
        )
        return entry
    }

    /// The previous hash and every field, one per line; the time as stored.
    static func chainText(of entry: AuditEntry, atText: String) -> String {
        AuditChain.text(fields: [
            entry.previousHash, String(entry.id), atText, entry.actorKind.rawValue, entry.actor,
            entry.action, entry.outcome, entry.subject ?? "", entry.address ?? "", entry.detail,
        ])
    }

    /// UTC text with milliseconds (`2026-11-22T02:20:59.123Z`); hashed exactly as stored.
    static func auditTimestamp(_ instant: Date) -> String { AuditChain.timestamp(instant) }

    static func parseAuditTimestamp(_ text: String) -> Date? { AuditChain.parseTimestamp(text) }

    /// The newest entries first, optionally only one action.
    /// The newest entries first, at most `limit`, narrowed to one action, entries at or after
    /// `since`, and one actor (a platform code, consumer or operator name) when given.
    public func auditEntries(limit: Int = 50, action: String? = nil, since: Date? = nil, actor: String? = nil) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let action { conditions.append("action = ?"); arguments += [action] }
        // Timestamps are fixed-width UTC text: they sort as they compare.
        if let since { conditions.append("at >= ?"); arguments += [HubStore.auditTimestamp(since)] }
        if let actor { conditions.append("actor = ?"); arguments += [actor] }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await pool.read { [arguments] db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_entry \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
                .map(HubStore.auditEntry(from:))
        }
    }

    static func auditEntry(from row: Row) throws -> AuditEntry {
        let atText: String = row["at"]
        guard let at = parseAuditTimestamp(atText),
              let kind = ActorKind(rawValue: row["actor_kind"]) else {
            throw StoreError(.corruptRow, "audit entry \(row["id"] as Int64? ?? -1) is unreadable")
        }
        return AuditEntry(
            id: row["id"], at: at, actorKind: kind, actor: row["actor"], action: row["action"], outcome: row["outcome"],
            subject: row["subject"], address: row["address"], detail: row["detail"],
            previousHash: row["previous_hash"], hash: row["hash"]
        )
    }
}
