import Foundation
import PostgresNIO
import ShuniuCore

/// The consumer registry on PostgreSQL, where several instances may run one operator command at
/// once: a change locks the consumer's (or the grant's) row, so that the second waits and then
/// sees the first's result; a registration inserts with `ON CONFLICT DO NOTHING`, so that the
/// second of two racing ones is refused with the port's own error, not a database fault.
extension PostgresStore: ConsumerRegistry {
    public func addConsumer(_ consumer: Consumer, secret: String, by operatorName: String) async throws {
        try await write("registering a consumer") { [logger] connection in
            if try await !connection.rows("SELECT 1 FROM consumer WHERE id = \(consumer.id)", logger: logger).isEmpty {
                throw StoreError(.consumerExists, "consumer \(consumer.id) is already registered")
            }
            try await Self.claimAppKey(consumer.appKey, on: connection, logger: logger)
            let inserted = try await connection.rows("""
                INSERT INTO consumer (id, name, status, app_key, app_secret, requests_per_minute, created_at, updated_at)
                VALUES (\(consumer.id), \(consumer.name), \(consumer.status.rawValue), \(consumer.appKey), \(secret), \(consumer.requestsPerMinute),
                        \(consumer.createdAt), \(consumer.updatedAt))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger)
            if inserted.isEmpty {
                if try await !connection.rows("SELECT 1 FROM consumer WHERE id = \(consumer.id)", logger: logger).isEmpty {
                    throw StoreError(.consumerExists, "consumer \(consumer.id) is already registered")
                }
                throw StoreError(.appKeyExists, "app key \(consumer.appKey) is already in use")
            }
            let detail = JSONText.object(["name": consumer.name, "appKey": consumer.appKey, "requestsPerMinute": "\(consumer.requestsPerMinute)"])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "consumer.add", subject: consumer.id, detail: detail),
                at: Date(), on: connection, logger: logger
            )
        }
    }

    public func consumers() async throws -> [Consumer] {
        try await connection("reading the consumers") { [logger] connection in
            try await connection.rows("SELECT * FROM consumer ORDER BY id", logger: logger).map { try Self.consumer(from: $0) }
        }
    }

    public func consumer(_ id: String) async throws -> Consumer? {
        try await connection("reading a consumer") { [logger] connection in
            try await connection.rows("SELECT * FROM consumer WHERE id = \(id)", logger: logger).first.map { try Self.consumer(from: $0) }
        }
    }

    public func setConsumerStatus(_ id: String, to status: ConsumerStatus, by operatorName: String, reason: String?) async throws -> Consumer {
        try await updateConsumer(id, action: status == .suspended ? "consumer.suspend" : "consumer.resume", by: operatorName,
                                 detail: ["to": status.rawValue, "reason": reason ?? ""]) { connection, now, logger in
            try await connection.run("UPDATE consumer SET status = \(status.rawValue), updated_at = \(now) WHERE id = \(id)", logger: logger)
        }
    }

    public func setConsumerRateLimit(_ id: String, to perMinute: Int, by operatorName: String) async throws -> Consumer {
        try await updateConsumer(id, action: "consumer.rate_limit", by: operatorName, detail: ["requestsPerMinute": "\(perMinute)"]) { connection, now, logger in
            try await connection.run("UPDATE consumer SET requests_per_minute = \(perMinute), updated_at = \(now) WHERE id = \(id)", logger: logger)
        }
    }

    public func setConsumerCertificate(_ id: String, to certificate: ConsumerCertificate, by operatorName: String) async throws -> Consumer {
        let detail = ["fingerprint": certificate.fingerprint, "ca": certificate.ca, "subject": certificate.subject,
                      "identity": certificate.identityCode, "notAfter": certificate.notAfter.formatted(.iso8601)]
        return try await updateConsumer(id, action: "consumer.certificate", by: operatorName, detail: detail) { connection, now, logger in
            if let holder = try await connection.rows(
                "SELECT id FROM consumer WHERE certificate_fingerprint = \(certificate.fingerprint) AND id <> \(id)", logger: logger
            ).first.map({ try $0["id"].decode(String.self) }) {
                throw StoreError(.certificateRegistered, "certificate \(certificate.fingerprint) is already registered for consumer \(holder)")
            }
            do {
                try await connection.run("""
                    UPDATE consumer SET certificate_fingerprint = \(certificate.fingerprint), certificate_der = \(Data(certificate.der)),
                        certificate_chain = \(JSONText.encode(certificate.chain.map { Data($0).base64EncodedString() })), certificate_ca = \(certificate.ca),
                        certificate_subject = \(certificate.subject), certificate_identity = \(certificate.identityCode),
                        certificate_not_after = \(certificate.notAfter), updated_at = \(now)
                    WHERE id = \(id)
                    """, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                // Another instance gave the fingerprint (a unique column) to another consumer since the check above.
                throw StoreError(.certificateRegistered, "certificate \(certificate.fingerprint) is already registered for another consumer")
            }
        }
    }

    /// One operator's change to a consumer and its audit entry, in one transaction that holds the
    /// consumer's row. Returns the consumer as changed.
    private func updateConsumer(
        _ id: String, action: String, by operatorName: String, detail: [String: String],
        change: (PostgresConnection, Date, Logger) async throws -> Void
    ) async throws -> Consumer {
        try await write("changing consumer \(id)") { [logger] connection in
            guard try await !connection.rows("SELECT 1 FROM consumer WHERE id = \(id) FOR UPDATE", logger: logger).isEmpty else {
                throw StoreError(.consumerNotFound, "no consumer \(id) is registered (see shuniu consumers list)")
            }
            let now = Date()
            try await change(connection, now, logger)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: id, detail: JSONText.object(detail)),
                at: now, on: connection, logger: logger
            )
            guard let updated = try await connection.rows("SELECT * FROM consumer WHERE id = \(id)", logger: logger).first else {
                throw StoreError(.consumerNotFound, "consumer \(id) vanished")
            }
            return try Self.consumer(from: updated)
        }
    }

    public func addGrant(_ grant: DataGrant) async throws -> DataGrant {
        try await write("storing a grant") { [logger] connection in
            // Shared lock: the consumer stays registered until the grant is stored.
            guard try await !connection.rows("SELECT 1 FROM consumer WHERE id = \(grant.consumer) FOR SHARE", logger: logger).isEmpty else {
                throw StoreError(.consumerNotFound, "no consumer \(grant.consumer) is registered (see shuniu consumers list)")
            }
            let row = try await connection.rows("""
                INSERT INTO data_grant (consumer, dataset, purpose, personal_data, government, approved_by, granted_at, expires_at)
                VALUES (\(grant.consumer), \(grant.dataset.rawValue), \(grant.purpose), \(grant.personalData), \(grant.government), \(grant.approvedBy),
                        \(grant.grantedAt), \(grant.expiresAt))
                RETURNING id
                """, logger: logger)
            var stored = grant
            stored.id = try row[0]["id"].decode(Int64.self)
            var fields = [
                "grant": "\(stored.id)", "dataset": grant.dataset.rawValue, "purpose": grant.purpose,
                "personalData": grant.personalData ? "yes" : "no", "expiresAt": grant.expiresAt.formatted(.iso8601),
            ]
            // Named only when granted, as the SQLite engine names it.
            if grant.government { fields["government"] = "yes" }
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: grant.approvedBy, action: "grant.add", subject: grant.consumer, detail: JSONText.object(fields)),
                at: grant.grantedAt, on: connection, logger: logger
            )
            return stored
        }
    }

    public func revokeGrant(_ id: Int64, by operatorName: String, reason: String?) async throws -> DataGrant {
        try await write("revoking a grant") { [logger] connection in
            // Locked: a second instance revoking it waits, then finds it revoked.
            guard let row = try await connection.rows("SELECT * FROM data_grant WHERE id = \(id) FOR UPDATE", logger: logger).first else {
                throw StoreError(.grantNotFound, "no grant \(id) (see shuniu grants list)")
            }
            var grant = try Self.grant(from: row)
            guard grant.revokedAt == nil else {
                throw StoreError(.grantNotFound, "grant \(id) was revoked already, by \(grant.revokedBy ?? "?")")
            }
            let now = Date()
            try await connection.run("""
                UPDATE data_grant SET revoked_by = \(operatorName), revoked_at = \(now), revoked_reason = \(reason) WHERE id = \(id)
                """, logger: logger)
            let detail = JSONText.object(["grant": "\(id)", "dataset": grant.dataset.rawValue, "reason": reason ?? ""])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "grant.revoke", subject: grant.consumer, detail: detail),
                at: now, on: connection, logger: logger
            )
            grant.revokedBy = operatorName
            grant.revokedAt = now
            grant.revokedReason = reason
            return grant
        }
    }

    public func grants(consumer: String?) async throws -> [DataGrant] {
        try await connection("reading grants") { [logger] connection in
            try await connection.rows("""
                SELECT * FROM data_grant WHERE \(consumer)::text IS NULL OR consumer = \(consumer) ORDER BY id DESC
                """, logger: logger).map { try Self.grant(from: $0) }
        }
    }
}
