import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// The `previous_hash` of the first entry.
    static let auditGenesisHash = String(repeating: "0", count: 64)

    /// Appends one audit entry in its own transaction.
    @discardableResult
    public func appendAudit(_ event: AuditEvent, at instant: Date = Date()) async throws -> AuditEntry {
        try await pool.write { db in try HubStore.appendAudit(event, at: instant, in: db) }
    }

    /// Appends one entry inside the caller's transaction, chaining it to the last one.
    @discardableResult
    static func appendAudit(_ event: AuditEvent, at instant: Date, in db: Database) throws -> AuditEntry {
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1") ?? auditGenesisHash
        let nextID = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'") ?? 0) + 1
        var entry = AuditEntry(
            id: nextID, at: instant, actorKind: event.actorKind, actor: event.actor, action: event.action,
            outcome: event.outcome, subject: event.subject, address: event.address, detail: event.detail,
            previousHash: previous, hash: ""
        )
        entry.hash = chainHash(of: entry)
        try db.execute(
            sql: """
                INSERT INTO audit_entry (id, at, actor_kind, actor, action, outcome, subject, address, detail, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [entry.id, auditTimestamp(instant), entry.actorKind.rawValue, entry.actor, entry.action, entry.outcome,
                        entry.subject, entry.address, entry.detail, entry.previousHash, entry.hash]
        )
        return entry
    }

    /// SHA-256 over the previous hash and every field, one per line.
    static func chainHash(of entry: AuditEntry) -> String {
        let fields: [String] = [
            entry.previousHash, String(entry.id), auditTimestamp(entry.at), entry.actorKind.rawValue, entry.actor,
            entry.action, entry.outcome, entry.subject ?? "", entry.address ?? "", entry.detail,
        ]
        return DigestAlgorithm.sha256.hexHash(Array(fields.joined(separator: "\n").utf8))
    }

    /// Millisecond UTC text: stored as written so that the hash recomputes exactly.
    static func auditTimestamp(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)) + "Z"
    }

    static func parseAuditTimestamp(_ text: String) -> Date? {
        try? Date(String(text.dropLast()), strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon))
    }

    /// The newest entries first, optionally only one action.
    public func auditEntries(limit: Int = 50, action: String? = nil) async throws -> [AuditEntry] {
        try await pool.read { db in
            let rows: [Row]
            if let action {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_entry WHERE action = ? ORDER BY id DESC LIMIT ?", arguments: [action, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_entry ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map(HubStore.auditEntry(from:))
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

    /// Walks the whole chain and reports the first entry whose hash or link does not match.
    public func verifyAuditChain() async throws -> AuditChainReport {
        try await pool.read { db in
            var previous = HubStore.auditGenesisHash
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY id")
            while let row = try cursor.next() {
                let entry = try HubStore.auditEntry(from: row)
                if entry.previousHash != previous || HubStore.chainHash(of: entry) != entry.hash {
                    return AuditChainReport(entries: count + 1, firstBrokenID: entry.id)
                }
                previous = entry.hash
                count += 1
            }
            return AuditChainReport(entries: count, firstBrokenID: nil)
        }
    }
}

/// The outcome of checking the audit chain.
public struct AuditChainReport: Codable, Sendable {
    /// Entries checked (up to and including a broken one).
    public var entries: Int
    /// The first entry that does not match its hash or its predecessor, if any.
    public var firstBrokenID: Int64?
    public var intact: Bool { firstBrokenID == nil }
}
