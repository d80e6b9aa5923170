import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// Appends audit entries on PostgreSQL, chained as the SQLite engine chains them: each entry's
/// hash covers the previous hash and its fields, one per line, with its time as stored.
///
/// Several instances append to one chain: an append takes the audit lock (a transaction advisory
/// lock) so that one transaction at a time reads the tail and adds to it, until it commits.
/// This engine chains with the unkeyed SHA-256 rule for now; keying the chain (the SQLite
/// engine's audit key) is yet to come.
enum PostgresAuditChain {
    /// The audit lock's key ("SHUNIU" and 3).
    static let lock: Int64 = 0x5348_554E_4955_0003
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends `event` inside the caller's transaction, chained to the last entry, and returns it.
    @discardableResult
    static func append(_ event: AuditEvent, at instant: Date, on connection: PostgresConnection, logger: Logger) async throws -> AuditEntry {
        try await connection.run("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
        let previous = try await connection.rows("SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1", logger: logger)
            .first.map { try $0["hash"].decode(String.self) } ?? genesisHash
        let id = try await connection.rows("SELECT nextval(pg_get_serial_sequence('audit_entry', 'id')) AS id", logger: logger)[0]["id"].decode(Int64.self)
        let at = timestamp(instant)
        let text = [
            previous, String(id), at, event.actorKind.rawValue, event.actor, event.action, event.outcome, event.subject ?? "", event.address ?? "", event.detail,
        ].joined(separator: "\n")
        let hash = DigestAlgorithm.sha256.hexHash(Array(text.utf8))
        try await connection.run("""
            INSERT INTO audit_entry (id, at, actor_kind, actor, action, outcome, subject, address, detail, previous_hash, hash)
            VALUES (\(id), \(at), \(event.actorKind.rawValue), \(event.actor), \(event.action), \(event.outcome), \(event.subject), \(event.address),
                    \(event.detail), \(previous), \(hash))
            """, logger: logger)
        let millis = (instant.timeIntervalSince1970 * 1000).rounded(.down)
        return AuditEntry(
            id: id, at: Date(timeIntervalSince1970: millis / 1000), actorKind: event.actorKind, actor: event.actor, action: event.action,
            outcome: event.outcome, subject: event.subject, address: event.address, detail: event.detail, previousHash: previous, hash: hash
        )
    }

    /// The time as the chain stores it: UTC, milliseconds, `2026-01-02T03:04:05.678Z`.
    static func timestamp(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(millis / 1000)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, Int(millis % 1000))
    }
}
