import Foundation
import PostgresNIO
import ShuniuCore

/// What reads leave behind, on PostgreSQL: their nonces and audit entries, and disputes.
extension PostgresStore: ReadLedger {
    /// Claims the read's nonce and appends its audit entry in one transaction. Of two reads with
    /// one nonce, on any instances, the second's insert waits for the first to commit and then
    /// finds the nonce taken: it records nothing and is refused.
    public func commitRead(by consumer: Consumer, nonce: String, audit event: AuditEvent, at instant: Date) async throws {
        try await write("recording a read") { [logger] connection in
            let claimed = try await connection.rows("""
                INSERT INTO request_nonce (app_key, nonce, seen_at) VALUES (\(consumer.nonceNamespace), \(nonce), \(instant))
                ON CONFLICT (app_key, nonce) DO NOTHING RETURNING nonce
                """, logger: logger)
            guard !claimed.isEmpty else { throw StoreError(.nonceReused, "nonce \(nonce) was already used") }
            try await connection.run("UPDATE consumer SET last_read_at = \(instant) WHERE id = \(consumer.id)", logger: logger)
            try await PostgresAuditChain.append(event, at: instant, on: connection, logger: logger)
        }
    }

    public func openDispute(
        dataset: DatasetID, key: String, field: String, fieldLabel: String?, reason: String,
        consumer: String, address: String?, at instant: Date
    ) async throws -> Dispute {
        try await write("raising a dispute") { [logger] connection in
            guard let record = try await connection.rows(
                "SELECT id, owner_platform, latest_version FROM record WHERE dataset = \(dataset.rawValue) AND business_key = \(key)", logger: logger
            ).first else {
                throw StoreError(.recordNotFound, "the hub has no record \(dataset) \(key)")
            }
            let recordID = try record["id"].decode(Int64.self)
            var dispute = Dispute(
                dataset: dataset, key: key, platform: try record["owner_platform"].decode(String.self), version: try record["latest_version"].decode(Int.self),
                field: field, fieldLabel: fieldLabel, reason: reason, raisedBy: consumer, raisedAt: instant
            )
            dispute.id = try await connection.rows("""
                INSERT INTO dispute (record_id, dataset, business_key, platform, version, field, field_label, reason, raised_by, raised_at, status)
                VALUES (\(recordID), \(dataset.rawValue), \(key), \(dispute.platform), \(dispute.version), \(field),
                        \(fieldLabel), \(reason), \(consumer), \(instant), 'open')
                RETURNING id
                """, logger: logger)[0]["id"].decode(Int64.self)
            let detail = JSONText.object(["dispute": "\(dispute.id)", "platform": dispute.platform, "version": "\(dispute.version)",
                                          "field": field, "reason": reason])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .consumer, actor: consumer, action: "dispute.open", subject: "\(dataset)/\(key)", address: address, detail: detail),
                at: instant, on: connection, logger: logger
            )
            return dispute
        }
    }
}
