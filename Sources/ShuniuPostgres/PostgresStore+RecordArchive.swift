import Foundation
import PostgresNIO
import ShuniuCore

/// Records, their deliveries and disputes as operators browse them, on PostgreSQL. Reads change
/// nothing; rejecting a dispute locks its row, so that of two instances rejecting it at once one
/// does and the other finds it closed.
extension PostgresStore: RecordArchive {
    public func versionCount() async throws -> Int {
        try await connection("counting versions") { [logger] connection in
            try await connection.rows("SELECT count(*) AS count FROM record_version", logger: logger).first.map { try $0["count"].decode(Int.self) } ?? 0
        }
    }

    public func rawPayload(id: Int64) async throws -> RawPayload? {
        try await connection("reading a stored payload") { [logger] connection in
            try await connection.rows("SELECT format, sha256, body FROM raw_payload WHERE id = \(id)", logger: logger).first.map { row in
                RawPayload(
                    format: try row["format"].decode(String.self), body: [UInt8](try row["body"].decode(Data.self)),
                    sha256: try row["sha256"].decode(String.self)
                )
            }
        }
    }

    public func deliveries(ofRecord recordID: Int64) async throws -> [RecordDelivery] {
        try await transaction("reading a record's deliveries") { [logger] connection in
            // One destination at a time, so that the (destination, record_id) index answers
            // however many millions of rows the outbox holds.
            let destinations = try await connection.rows("SELECT DISTINCT destination FROM queue_counter ORDER BY destination", logger: logger)
                .map { try $0["destination"].decode(String.self) }
            var found: [RecordDelivery] = []
            for destination in destinations {
                found += try await connection.rows("""
                    SELECT d.destination, d.state, d.attempts, d.enqueued_at, d.last_attempt_at, d.delivered_at, d.last_status, d.last_error,
                           v.version
                    FROM delivery d JOIN record_version v ON v.id = d.version_id
                    WHERE d.destination = \(destination) AND d.record_id = \(recordID) ORDER BY d.id
                    """, logger: logger).map { row in
                    RecordDelivery(
                        destination: try row["destination"].decode(String.self), version: try row["version"].decode(Int.self),
                        state: try row["state"].decode(String.self), attempts: try row["attempts"].decode(Int.self),
                        enqueuedAt: try row["enqueued_at"].decode(Date.self), lastAttemptAt: try row["last_attempt_at"].decode(Date?.self),
                        deliveredAt: try row["delivered_at"].decode(Date?.self), lastStatus: try row["last_status"].decode(Int?.self),
                        lastError: try row["last_error"].decode(String?.self)
                    )
                }
            }
            return found
        }
    }

    public func overdueWithdrawals(dataset: DatasetID, enqueuedBefore cutoff: Date) async throws -> [OverdueWithdrawals] {
        try await connection("reading overdue withdrawals") { [logger] connection in
            // record_withdrawal is small; each of its versions' deliveries through (version_id, destination).
            try await connection.rows("""
                SELECT d.destination, count(*) AS count, min(d.enqueued_at) AS oldest
                FROM record_withdrawal w
                JOIN record_version v ON v.id = w.withdrawal_version_id AND v.dataset = \(dataset.rawValue)
                JOIN delivery d ON d.version_id = w.withdrawal_version_id
                WHERE d.state IN ('pending', 'in_flight', 'retrying', 'dead') AND d.enqueued_at < \(cutoff)
                GROUP BY d.destination ORDER BY d.destination
                """, logger: logger).map { row in
                OverdueWithdrawals(
                    destination: try row["destination"].decode(String.self), count: try row["count"].decode(Int.self),
                    oldestEnqueuedAt: try row["oldest"].decode(Date.self)
                )
            }
        }
    }

    public func disputes(platform: String?, status: DisputeStatus?, limit: Int) async throws -> [Dispute] {
        try await connection("reading disputes") { [logger] connection in
            try await connection.rows("""
                SELECT * FROM dispute
                WHERE (\(platform)::text IS NULL OR platform = \(platform)) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger).map(Self.dispute(from:))
        }
    }

    public func dispute(_ id: Int64) async throws -> Dispute? {
        try await connection("reading a dispute") { [logger] connection in
            try await connection.rows("SELECT * FROM dispute WHERE id = \(id)", logger: logger).first.map(Self.dispute(from:))
        }
    }

    public func rejectDispute(_ id: Int64, by operatorName: String, reason: String) async throws -> Dispute {
        let now = Date()
        return try await write("rejecting a dispute") { [logger] connection in
            // The row lock: a second instance rejecting it at once waits, then reads it closed.
            guard let row = try await connection.rows("SELECT * FROM dispute WHERE id = \(id) FOR UPDATE", logger: logger).first else {
                throw StoreError(.disputeNotFound, "no dispute \(id) (see shuniu disputes list)")
            }
            var dispute = try Self.dispute(from: row)
            guard dispute.status == .open else {
                throw StoreError(.disputeClosed, "dispute \(id) is \(dispute.status.rawValue) already (by \(dispute.resolvedBy ?? "?"))")
            }
            try await connection.run("""
                UPDATE dispute SET status = 'rejected', resolved_by = \(operatorName), resolved_at = \(now), resolution = \(reason) WHERE id = \(id)
                """, logger: logger)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "dispute.reject", subject: "\(dispute.dataset)/\(dispute.key)",
                           detail: JSONText.object(["dispute": "\(id)", "reason": reason])),
                at: now, on: connection, logger: logger
            )
            dispute.status = .rejected
            dispute.resolvedBy = operatorName
            dispute.resolvedAt = now
            dispute.resolution = reason
            return dispute
        }
    }
}
