import Foundation
import ShuniuCore
import ShuniuTrust

/// What a store found in its audit key file when it opened.
struct PostgresAuditKeying: Sendable {
    /// Why entries cannot be appended, or nil.
    var problem: String?
    /// The key entries are appended with, when usable.
    var usable: AuditKey?
    /// The key the file holds (checked by verification even when it is not the chain's).
    var inFile: AuditKey?
}

extension PostgresStore {
    /// Decides the audit chain's key as the SQLite engine does (HubStore.keyAuditChain): keys an
    /// unkeyed chain from its next entry on (making the key file when there is none), or checks
    /// that the key file holds the key the chain is keyed with. Several instances opening
    /// together key it once: the marker is written under the audit lock, which appends take too.
    func keyAuditChain() async throws {
        let keyFile = auditKeyFile
        let loaded = try AuditKey.load(path: keyFile)
        let marker = try await transaction("reading the audit chain's key marker") { [logger] connection in
            try await PostgresAuditChain.marker(on: connection, logger: logger)
        }
        if let marker {
            guard let loaded else {
                auditKeying.withLock {
                    $0 = PostgresAuditKeying(problem: "the audit chain is keyed from entry \(marker.fromID) on with key \(marker.keyID), and there is no key file at \(keyFile): put the key back there or set audit.keyFile")
                }
                return
            }
            guard marker.isMade(by: loaded) else {
                auditKeying.withLock {
                    $0 = PostgresAuditKeying(problem: "the key in \(keyFile) (\(loaded.id)) is not the key the audit chain is keyed with (\(marker.keyID)), or the chain's marker was changed", inFile: loaded)
                }
                return
            }
            auditKeying.withLock { $0 = PostgresAuditKeying(usable: loaded, inFile: loaded) }
            return
        }
        let key = try loaded ?? AuditKey.create(path: keyFile)
        try await write("keying the audit chain") { [logger] connection in
            try await connection.run("SELECT pg_advisory_xact_lock(\(PostgresAuditChain.lock))", logger: logger)
            // Another instance may have keyed the chain since the read above.
            if let other = try await PostgresAuditChain.marker(on: connection, logger: logger) {
                guard other.isMade(by: key) else {
                    throw StoreError(.auditKey, "another process keyed the audit chain with key \(other.keyID) while \(keyFile) holds \(key.id)")
                }
                return
            }
            // Under the audit lock no entry is being appended: the next one is past the last.
            let next = try await connection.rows("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM audit_entry", logger: logger)[0]["next"].decode(Int64.self)
            let created = AuditChainMarker(keying: next, with: key, at: Date())
            try await connection.run("""
                INSERT INTO audit_chain_key (from_id, scheme, key_id, tag, created_at)
                VALUES (\(created.fromID), \(created.scheme), \(created.keyID), \(created.tag), \(created.createdAt))
                """, logger: logger)
        }
        auditKeying.withLock { $0 = PostgresAuditKeying(usable: key, inFile: key) }
    }

    /// The audit chain's key, when this store has a usable one.
    var auditKey: AuditKey? { auditKeying.withLock { $0.usable } }

    /// Why the audit key cannot be used, when it cannot (``AuditTrail``).
    public var auditKeyProblem: String? { auditKeying.withLock { $0.problem } }
}
