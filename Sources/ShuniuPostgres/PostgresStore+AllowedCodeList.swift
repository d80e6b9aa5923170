import Foundation
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// The operators' allowed codes on PostgreSQL. Each change is one statement that either changes
/// the row or finds it already changed (an insert that does nothing on conflict, a delete that
/// returns the row), so that when two instances run the same command at once exactly one
/// changes the list and audits it.
extension PostgresStore: AllowedCodeList {
    public func allowCode(_ code: String, kind: String, reason: String, by operatorName: String) async throws -> AllowedCode {
        try await write("allowing a code") { [logger] connection in
            let now = Date()
            guard let row = try await connection.rows("""
                INSERT INTO allowed_code (code, kind, reason, added_by, added_at)
                VALUES (\(code), \(kind), \(reason), \(operatorName), \(AuditChain.timestamp(now)))
                ON CONFLICT (code) DO NOTHING RETURNING *
                """, logger: logger).first else {
                throw StoreError(.invalidChange, "\(code) is allowed already (shuniu codes list)")
            }
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.allow", subject: code,
                           detail: JSONText.object(["kind": kind, "reason": reason])),
                at: now, on: connection, logger: logger
            )
            return try Self.allowedCode(from: row)
        }
    }

    public func removeAllowedCode(_ code: String, reason: String, by operatorName: String) async throws {
        try await write("removing an allowed code") { [logger] connection in
            guard let row = try await connection.rows("DELETE FROM allowed_code WHERE code = \(code) RETURNING *", logger: logger).first else {
                throw StoreError(.notFound, "\(code) is not on the operators' list (shuniu codes list)")
            }
            let allowed = try Self.allowedCode(from: row)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.remove", subject: code,
                           detail: JSONText.object(["kind": allowed.kind, "reason": reason, "allowedBy": allowed.addedBy])),
                at: Date(), on: connection, logger: logger
            )
        }
    }

    public func allowedCodes() async throws -> [AllowedCode] {
        try await connection("reading the allowed codes") { [logger] connection in
            // Byte order, as SQLite sorts text.
            try await connection.rows("SELECT * FROM allowed_code ORDER BY code COLLATE \"C\"", logger: logger).map { try Self.allowedCode(from: $0) }
        }
    }

    static func allowedCode(from row: PostgresRandomAccessRow) throws -> AllowedCode {
        let code = try row["code"].decode(String.self)
        // Stored as the audit chain's time text, as the SQLite engine stores it.
        guard let addedAt = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try row["added_at"].decode(String.self)) else {
            throw StoreError(.corruptRow, "allowed code \(code) has an unreadable time")
        }
        return AllowedCode(
            code: code, kind: try row["kind"].decode(String.self), reason: try row["reason"].decode(String.self),
            addedBy: try row["added_by"].decode(String.self), addedAt: addedAt
        )
    }
}
