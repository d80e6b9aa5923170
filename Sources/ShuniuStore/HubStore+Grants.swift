import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Stores a grant approved by `grant.approvedBy`, audited as `grant.add`. Returns it with its id.
    @discardableResult
    public func addGrant(_ grant: DataGrant) async throws -> DataGrant {
        try await pool.write { db in
            guard try HubStore.consumer(grant.consumer, in: db) != nil else {
                throw StoreError(.consumerNotFound, "no consumer \(grant.consumer) is registered (see shuniu consumers list)")
            }
            try db.execute(
                sql: """
                    INSERT INTO data_grant (consumer, dataset, purpose, personal_data, government, approved_by, granted_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [grant.consumer, grant.dataset.rawValue, grant.purpose, grant.personalData, grant.government, grant.approvedBy, grant.grantedAt, grant.expiresAt]
            )
            var stored = grant
            stored.id = db.lastInsertedRowID
            var fields = [
                "grant": "\(stored.id)", "dataset": grant.dataset.rawValue, "purpose": grant.purpose,
                "personalData": grant.personalData ? "yes" : "no", "expiresAt": grant.expiresAt.formatted(.iso8601),
            ]
            // Named only when granted, so that earlier entries' detail keeps its shape.
            if grant.government { fields["government"] = "yes" }
            let detail = JSONText.object(fields)
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: grant.approvedBy, action: "grant.add", subject: grant.consumer, detail: detail),
                at: grant.grantedAt, in: db
            )
            return stored
        }
    }

    /// Revokes a grant (its row stays), audited as `grant.revoke`; reads stop using it at once.
    @discardableResult
    public func revokeGrant(_ id: Int64, by operatorName: String, reason: String?) async throws -> DataGrant {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM data_grant WHERE id = ?", arguments: [id]) else {
                throw StoreError(.grantNotFound, "no grant \(id) (see shuniu grants list)")
            }
            var grant = try HubStore.grant(from: row)
            guard grant.revokedAt == nil else {
                throw StoreError(.grantNotFound, "grant \(id) was revoked already, by \(grant.revokedBy ?? "?")")
            }
            let now = Date()
            try db.execute(sql: "UPDATE data_grant SET revoked_by = ?, revoked_at = ?, revoked_reason = ? WHERE id = ?",
                           arguments: [operatorName, now, reason, id])
            let detail = JSONText.object(["grant": "\(id)", "dataset": grant.dataset.rawValue, "reason": reason ?? ""])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "grant.revoke", subject: grant.consumer, detail: detail),
                at: now, in: db
            )
            grant.revokedBy = operatorName
            grant.revokedAt = now
            grant.revokedReason = reason
            return grant
        }
    }

    /// Grants, newest first: of one consumer or all.
    public func grants(consumer: String? = nil) async throws -> [DataGrant] {
        try await pool.read { db in
            if let consumer {
                return try Row.fetchAll(db, sql: "SELECT * FROM data_grant WHERE consumer = ? ORDER BY id DESC", arguments: [consumer]).map(HubStore.grant(from:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM data_grant ORDER BY id DESC").map(HubStore.grant(from:))
        }
    }

    /// The consumer's grants in force at `instant`: read at every request, so a revocation or an
    /// expiry takes effect on the next read.
    public func grantsInForce(consumer: String, at instant: Date) async throws -> [DataGrant] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM data_grant WHERE consumer = ? AND revoked_at IS NULL AND granted_at <= ? AND expires_at > ? ORDER BY id",
                arguments: [consumer, instant, instant]
            ).map(HubStore.grant(from:))
        }
    }

    static func grant(from row: Row) throws -> DataGrant {
        DataGrant(
            id: row["id"], consumer: row["consumer"], dataset: DatasetID(row["dataset"] as String), purpose: row["purpose"],
            personalData: row["personal_data"], approvedBy: row["approved_by"], grantedAt: row["granted_at"], expiresAt: row["expires_at"],
            revokedBy: row["revoked_by"], revokedAt: row["revoked_at"], revokedReason: row["revoked_reason"], government: row["government"]
        )
    }
}
