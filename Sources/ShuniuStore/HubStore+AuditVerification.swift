import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// Checks the audit chain (keyed hashes and links), its head against `checkpoints` when
    /// given, and every record version, record owner and delivery against the `ingest.batch`
    /// entries that created them.
    public func verifyAudit(checkpoints: AuditCheckpoints?) async throws -> AuditChainReport {
        let key = auditKeyInFile
        return try await pool.read { db in
            var report = try HubStore.verifyAudit(in: db, key: key, checkpoints: checkpoints?.lines)
            if let checkpoints, checkpoints.lines == nil {
                report.notes.append("no checkpoint file at \(checkpoints.source): removal of the newest entries cannot be noticed")
            }
            return report
        }
    }

    /// ``verifyAudit(checkpoints:)`` without checkpoints.
    public func verifyAuditChain() async throws -> AuditChainReport {
        try await verifyAudit(checkpoints: nil)
    }

    /// The whole check on any connection to a store's file (the live store, or a backup's copy):
    /// the SQL reads, in the order ``AuditVerification`` takes them.
    static func verifyAudit(in db: Database, key: AuditKey?, checkpoints: [AuditCheckpoints.Line]?) throws -> AuditChainReport {
        let marker = try db.tableExists("audit_chain_key") ? try AuditChainMarker.fetch(in: db) : nil
        var verification = AuditVerification(marker: marker, key: key, checkpoints: checkpoints)

        // The chain, and each ingest.batch entry's accepted versions.
        let columns = (versionDigestColumns + versionDigestLaterColumns).map { "v." + $0 }.joined(separator: ", ")
        let find = try db.cachedStatement(sql: """
            SELECT v.id, \(columns) FROM record r JOIN record_version v ON v.record_id = r.id AND v.version = ?
            WHERE r.dataset = ? AND r.business_key = ?
            """)
        let delivered = try db.cachedStatement(sql: "SELECT 1 FROM delivery WHERE version_id = ? AND destination = ? LIMIT 1")
        let entries = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY id")
        while let row = try entries.next() {
            // The stored text as it is, without making an AuditEntry: no time to parse a million times.
            let entry = AuditVerification.Entry(
                id: row["id"], at: row["at"], actorKind: row["actor_kind"], actor: row["actor"], action: row["action"], outcome: row["outcome"],
                subject: row["subject"], address: row["address"], detail: row["detail"], previousHash: row["previous_hash"], hash: row["hash"]
            )
            for line in verification.entry(entry) {
                guard let stored = try Row.fetchOne(find, arguments: [line.version, line.dataset, line.key]) else {
                    verification.acceptedVersion(line, platform: entry.actor, stored: nil, undelivered: [])
                    continue
                }
                let id: Int64 = stored["id"]
                let version = AuditVerification.Version(
                    id: id,
                    values: (1...versionDigestColumns.count).map { (stored[$0] as DatabaseValue).storedValue },
                    later: versionDigestLaterColumns.indices.map { (stored[versionDigestColumns.count + 1 + $0] as DatabaseValue).storedValue },
                    sourcePlatform: stored["source_platform"], contentHash: stored["content_hash"],
                    normalizedPayload: stored["normalized_payload"], extra: stored["extra"]
                )
                let undelivered = try (line.to ?? []).filter { try Bool.fetchOne(delivered, arguments: [id, $0]) != true }
                verification.acceptedVersion(line, platform: entry.actor, stored: version, undelivered: undelivered)
            }
        }
        verification.endOfChain()

        // Every version accepted by some entry.
        let versions = try Row.fetchCursor(db, sql: "SELECT id, dataset, business_key, version FROM record_version ORDER BY id")
        while let row = try versions.next() {
            verification.storedVersion(id: row["id"], dataset: row["dataset"], key: row["business_key"], version: row["version"])
        }

        // Each record's owner and latest version against its versions.
        let records = try Row.fetchCursor(db, sql: AuditVerification.recordsQuery)
        while let row = try records.next() {
            verification.record(AuditVerification.Record(
                dataset: row["dataset"], key: row["business_key"], owner: row["owner_platform"], latestVersion: row["latest_version"],
                latestHash: row["latest_hash"], firstSource: row["first_source"], latestID: row["latest_id"], latestContent: row["latest_content"],
                newest: row["newest"]
            ))
        }

        // Deliveries of versions that are gone or belong to another record.
        let orphans = try Row.fetchCursor(db, sql: """
            SELECT d.id, d.version_id FROM delivery d LEFT JOIN record_version v ON v.id = d.version_id
            WHERE v.id IS NULL OR v.record_id != d.record_id ORDER BY d.id
            """)
        while let row = try orphans.next() {
            verification.orphanedDelivery(id: row["id"], versionID: row["version_id"])
        }
        return verification.finish(deliveries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0)
    }
}
