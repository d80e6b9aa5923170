import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// Appends audit entries on PostgreSQL, chained as the SQLite engine chains them
/// (``AuditChain``): each entry's hash covers the previous hash and its fields, one per line,
/// with its time as stored, keyed with the audit key from the marker's entry on.
///
/// Several instances append to one chain: an append takes the audit lock (a transaction advisory
/// lock) so that one transaction at a time reads the tail and adds to it, until it commits.
enum PostgresAuditChain {
    /// The audit lock's key ("SHUNIU" and 3).
    static let lock: Int64 = 0x5348_554E_4955_0003
    static let genesisHash = AuditChain.genesisHash

    /// The key appends are keyed with: the store's usable key, set around each of its
    /// transactions (``PostgresStore/write(_:_:)``), so that every helper appending inside one
    /// chains under the key without it being passed down. Nil when the store has no usable
    /// key: then nothing can be appended, never unkeyed to a keyed chain.
    @TaskLocal static var key: AuditKey?

    /// Appends `event` inside the caller's transaction, chained to the last entry, and returns it.
    @discardableResult
    static func append(_ event: AuditEvent, at instant: Date, on connection: PostgresConnection, logger: Logger) async throws -> AuditEntry {
        guard let key else {
            throw StoreError(.auditKey, "the audit chain's key is not available: no audit entry can be appended")
        }
        try await connection.run("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
        let previous = try await connection.rows("SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1", logger: logger)
            .first.map { try $0["hash"].decode(String.self) } ?? genesisHash
        let id = try await connection.rows("SELECT nextval(pg_get_serial_sequence('audit_entry', 'id')) AS id", logger: logger)[0]["id"].decode(Int64.self)
        let at = AuditChain.timestamp(instant)
        let text = AuditChain.text(fields: [
            previous, String(id), at, event.actorKind.rawValue, event.actor, event.action, event.outcome, event.subject ?? "", event.address ?? "", event.detail,
        ])
        let hash = AuditChain.hash(text: text, key: key)
        try await connection.run("""
            INSERT INTO audit_entry (id, at, actor_kind, actor, action, outcome, subject, address, detail, previous_hash, hash)
            VALUES (\(id), \(at), \(event.actorKind.rawValue), \(event.actor), \(event.action), \(event.outcome), \(event.subject), \(event.address),
                    \(event.detail), \(previous), \(hash))
            """, logger: logger)
        return AuditEntry(
            id: id, at: AuditChain.parseTimestamp(at) ?? instant, actorKind: event.actorKind, actor: event.actor, action: event.action,
            outcome: event.outcome, subject: event.subject, address: event.address, detail: event.detail, previousHash: previous, hash: hash
        )
    }

    /// The time as the chain stores it: UTC, milliseconds, `2026-01-02T03:04:05.678Z`.
    static func timestamp(_ instant: Date) -> String {
        AuditChain.timestamp(instant)
    }

    /// The chain's key marker, when the chain is keyed.
    static func marker(on connection: PostgresConnection, logger: Logger) async throws -> AuditChainMarker? {
        try await connection.rows("SELECT from_id, scheme, key_id, tag, created_at FROM audit_chain_key ORDER BY from_id LIMIT 1", logger: logger)
            .first.map { row in
                AuditChainMarker(
                    fromID: try row["from_id"].decode(Int64.self), scheme: try row["scheme"].decode(String.self), keyID: try row["key_id"].decode(String.self),
                    tag: try row["tag"].decode(String.self), createdAt: try row["created_at"].decode(String.self)
                )
            }
    }
}
