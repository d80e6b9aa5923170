import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension AuditChainMarker {
    /// The marker of the store `db` belongs to, if the chain is keyed.
    static func fetch(in db: Database) throws -> AuditChainMarker? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_chain_key ORDER BY from_id LIMIT 1").map { row in
            AuditChainMarker(fromID: row["from_id"], scheme: row["scheme"], keyID: row["key_id"], tag: row["tag"], createdAt: row["created_at"])
        }
    }
}

extension HubStore {
    /// Decides the audit chain's key when the store opens: keys an unkeyed chain from its next
    /// entry on (making the key file when there is none), or checks that the key file holds the
    /// key the chain is keyed with. Returns why entries cannot be appended (or nil), and the key
    /// the file holds.
    static func keyAuditChain(pool: DatabasePool, keyFile: String, holder: AuditKeyHolder) throws -> (problem: String?, key: AuditKey?) {
        let loaded = try AuditKey.load(path: keyFile)
        let marker = try pool.read(AuditChainMarker.fetch)
        if let marker {
            guard let loaded else {
                return ("the audit chain is keyed from entry \(marker.fromID) on with key \(marker.keyID), and there is no key file at \(keyFile): put the key back there or set audit.keyFile", nil)
            }
            guard marker.isMade(by: loaded) else {
                return ("the key in \(keyFile) (\(loaded.id)) is not the key the audit chain is keyed with (\(marker.keyID)), or the chain's marker was changed", loaded)
            }
            holder.set(loaded)
            return (nil, loaded)
        }
        let key = try loaded ?? AuditKey.create(path: keyFile)
        try pool.write { db in
            // Another process may have keyed the chain since the read above.
            if let other = try AuditChainMarker.fetch(in: db) {
                guard other.isMade(by: key) else {
                    throw StoreError(.auditKey, "another process keyed the audit chain with key \(other.keyID) while \(keyFile) holds \(key.id)")
                }
                return
            }
            let next = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'") ?? 0) + 1
            let created = AuditChainMarker(keying: next, with: key, at: Date())
            try db.execute(
                sql: "INSERT INTO audit_chain_key (from_id, scheme, key_id, tag, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [created.fromID, created.scheme, created.keyID, created.tag, created.createdAt]
            )
        }
        holder.set(key)
        return (nil, key)
    }

    /// The audit chain's key, when this store has a usable one.
    package var auditKey: AuditKey? { auditKeyHolder.current }
}
