import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Allows `code` and audits it as codes.allow, in one transaction. Refuses a code already allowed.
    public func allowCode(_ code: String, kind: String, reason: String, by operatorName: String) async throws -> AllowedCode {
        try await pool.write { db in
            if try HubStore.allowedCode(code, in: db) != nil {
                throw StoreError(.invalidChange, "\(code) is allowed already (shuniu codes list)")
            }
            let now = Date()
            try db.execute(
                sql: "INSERT INTO allowed_code (code, kind, reason, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [code, kind, reason, operatorName, HubStore.auditTimestamp(now)]
            )
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.allow", subject: code,
                           detail: JSONText.object(["kind": kind, "reason": reason])),
                at: now, in: db
            )
            guard let allowed = try HubStore.allowedCode(code, in: db) else { throw StoreError(.notFound, "\(code) vanished") }
            return allowed
        }
    }

    /// Takes `code` off the operators' list and audits it as codes.remove, in one transaction.
    public func removeAllowedCode(_ code: String, reason: String, by operatorName: String) async throws {
        try await pool.write { db in
            guard let allowed = try HubStore.allowedCode(code, in: db) else {
                throw StoreError(.notFound, "\(code) is not on the operators' list (shuniu codes list)")
            }
            try db.execute(sql: "DELETE FROM allowed_code WHERE code = ?", arguments: [code])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.remove", subject: code,
                           detail: JSONText.object(["kind": allowed.kind, "reason": reason, "allowedBy": allowed.addedBy])),
                at: Date(), in: db
            )
        }
    }

    /// The operators' codes, by code.
    public func allowedCodes() async throws -> [AllowedCode] {
        try await pool.read { db in try HubStore.allowedCodes(in: db) }
    }

    static func allowedCodes(in db: Database) throws -> [AllowedCode] {
        try Row.fetchAll(db, sql: "SELECT * FROM allowed_code ORDER BY code").map(allowedCode(from:))
    }

    static func allowedCode(_ code: String, in db: Database) throws -> AllowedCode? {
        try Row.fetchOne(db, sql: "SELECT * FROM allowed_code WHERE code = ?", arguments: [code]).map(allowedCode(from:))
    }

    static func allowedCode(from row: Row) throws -> AllowedCode {
        let at: String = row["added_at"]
        guard let addedAt = parseAuditTimestamp(at) else {
            throw StoreError(.corruptRow, "allowed code \(row["code"] as String? ?? "?") has an unreadable time")
        }
        return AllowedCode(code: row["code"], kind: row["kind"], reason: row["reason"], addedBy: row["added_by"], addedAt: addedAt)
    }
}
