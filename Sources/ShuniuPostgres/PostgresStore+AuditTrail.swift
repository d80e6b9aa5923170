import Foundation
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// The audit trail on PostgreSQL: its entries, signed checkpoints of its head, and the whole
/// check, whose reads are this engine's and whose judgement is ``AuditVerification``'s, shared
/// with the SQLite engine.
extension PostgresStore: AuditTrail {
    public func auditEntries(limit: Int, action: String?, since: Date?, actor: String?) async throws -> [AuditEntry] {
        // Times are fixed-width UTC text: they sort as they compare.
        let sinceText = since.map(AuditChain.timestamp)
        return try await connection("reading the audit log") { [logger] connection in
            try await connection.rows("""
                SELECT * FROM audit_entry
                WHERE (\(action)::text IS NULL OR action = \(action)) AND (\(sinceText)::text IS NULL OR at >= \(sinceText))
                  AND (\(actor)::text IS NULL OR actor = \(actor))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger).map(Self.auditEntry(from:))
        }
    }

    public func lastAuditID() async throws -> Int64 {
        try await connection("reading the audit log") { [logger] connection in
            try await connection.rows("SELECT COALESCE(MAX(id), 0) AS id FROM audit_entry", logger: logger)[0]["id"].decode(Int64.self)
        }
    }

    public func auditCheckpoint(event: String, at instant: Date) async throws -> AuditCheckpoint {
        guard let key = auditKey else {
            throw StoreError(.auditKey, auditKeyProblem ?? "the store has no audit key")
        }
        return try await snapshot("reading the audit chain's head") { [logger] connection in
            let last = try await connection.rows("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1", logger: logger).first
            let entries = try await connection.rows("SELECT COUNT(*) AS n FROM audit_entry", logger: logger)[0]["n"].decode(Int.self)
            var checkpoint = AuditCheckpoint(
                event: event, entries: entries, lastId: try last?["id"].decode(Int64.self) ?? 0,
                lastHash: try last?["hash"].decode(String.self) ?? AuditChain.genesisHash,
                keyedFrom: try await PostgresAuditChain.marker(on: connection, logger: logger)?.fromID, keyId: key.id,
                at: AuditChain.timestamp(instant), mac: ""
            )
            checkpoint.mac = key.checkpointMAC(checkpoint.signedText)
            return checkpoint
        }
    }

    public func verifyAudit(checkpoints: AuditCheckpoints?) async throws -> AuditChainReport {
        let key = auditKeying.withLock { $0.inFile }
        var report = try await snapshot("verifying the audit trail") { [logger] connection in
            try await PostgresAuditVerificationReads(connection: connection, logger: logger)
                .verify(key: key, checkpoints: checkpoints?.lines)
        }
        if let checkpoints, checkpoints.lines == nil {
            report.notes.append("no checkpoint file at \(checkpoints.source): removal of the newest entries cannot be noticed")
        }
        return report
    }

    /// Runs `body` in a read-only REPEATABLE READ transaction: every statement reads the same
    /// snapshot, whatever other instances commit meanwhile.
    func snapshot<T: Sendable>(_ what: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction(what) { [logger] connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    static func auditEntry(from row: PostgresRandomAccessRow) throws -> AuditEntry {
        let id = try row["id"].decode(Int64.self)
        guard let at = AuditChain.parseTimestamp(try row["at"].decode(String.self)),
              let kind = ActorKind(rawValue: try row["actor_kind"].decode(String.self)) else {
            throw StoreError(.corruptRow, "audit entry \(id) is unreadable")
        }
        return AuditEntry(
            id: id, at: at, actorKind: kind, actor: try row["actor"].decode(String.self), action: try row["action"].decode(String.self),
            outcome: try row["outcome"].decode(String.self), subject: try row["subject"].decode(String?.self),
            address: try row["address"].decode(String?.self), detail: try row["detail"].decode(String.self),
            previousHash: try row["previous_hash"].decode(String.self), hash: try row["hash"].decode(String.self)
        )
    }
}
