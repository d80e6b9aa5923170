import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// The id of the newest audit entry, 0 for none: cheap, to tell whether the chain grew.
    public func lastAuditID() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit_entry") ?? 0 }
    }

    /// The chain's head now (entries, last id and hash, where keying starts), signed with the
    /// audit key. Throws when the store has no usable key.
    public func auditCheckpoint(event: String, at instant: Date = Date()) async throws -> AuditCheckpoint {
        guard let key = auditKey else {
            throw StoreError(.auditKey, auditKeyProblem ?? "the store has no audit key")
        }
        return try await pool.read { db in
            let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")
            var checkpoint = AuditCheckpoint(
                event: event, entries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_entry") ?? 0,
                lastId: last?["id"] ?? 0, lastHash: last?["hash"] ?? HubStore.auditGenesisHash,
                keyedFrom: try AuditChainMarker.fetch(in: db)?.fromID, keyId: key.id, at: HubStore.auditTimestamp(instant), mac: ""
            )
            checkpoint.mac = key.checkpointMAC(checkpoint.signedText)
            return checkpoint
        }
    }
}
