import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Registers a consumer with its HMAC secret, audited as `consumer.add` in the same transaction.
    public func addConsumer(_ consumer: Consumer, secret: String, by operatorName: String) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM consumer WHERE id = ?", arguments: [consumer.id]) == true {
                throw StoreError(.consumerExists, "consumer \(consumer.id) is already registered")
            }
            try HubStore.refuseTakenAppKey(consumer.appKey, in: db)
            try db.execute(
                sql: """
                    INSERT INTO consumer (id, name, status, app_key, app_secret, requests_per_minute, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [consumer.id, consumer.name, consumer.status.rawValue, consumer.appKey, secret, consumer.requestsPerMinute,
                            consumer.createdAt, consumer.updatedAt]
            )
            let detail = JSONText.object(["name": consumer.name, "appKey": consumer.appKey, "requestsPerMinute": "\(consumer.requestsPerMinute)"])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "consumer.add", subject: consumer.id, detail: detail),
                at: Date(), in: db
            )
        }
    }

    /// Every consumer, by id.
    public func consumers() async throws -> [Consumer] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consumer ORDER BY id").map(HubStore.consumer(from:))
        }
    }

    public func consumer(_ id: String) async throws -> Consumer? {
        try await pool.read { db in try HubStore.consumer(id, in: db) }
    }

    /// The consumer with this app key and its secret, for HMAC-signed reads.
    public func consumerCredential(appKey: String) async throws -> (Consumer, secret: String)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM consumer WHERE app_key = ?", arguments: [appKey]).map { row in
                (try HubStore.consumer(from: row), row["app_secret"] as String)
            }
        }
    }

    /// The consumer whose registered certificate has this fingerprint.
    public func consumer(certificateFingerprint fingerprint: String) async throws -> Consumer? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM consumer WHERE certificate_fingerprint = ?", arguments: [fingerprint]).map(HubStore.consumer(from:))
        }
    }

    /// Suspends or resumes a consumer, audited as `consumer.suspend` / `consumer.resume`.
    @discardableResult
    public func setConsumerStatus(_ id: String, to status: ConsumerStatus, by operatorName: String, reason: String?) async throws -> Consumer {
        try await updateConsumer(id, action: status == .suspended ? "consumer.suspend" : "consumer.resume", by: operatorName,
                                 detail: ["to": status.rawValue, "reason": reason ?? ""]) { db, now in
            try db.execute(sql: "UPDATE consumer SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, now, id])
        }
    }

    /// Sets the requests a consumer may make per minute, audited as `consumer.rate_limit`.
    @discardableResult
    public func setConsumerRateLimit(_ id: String, to perMinute: Int, by operatorName: String) async throws -> Consumer {
        try await updateConsumer(id, action: "consumer.rate_limit", by: operatorName, detail: ["requestsPerMinute": "\(perMinute)"]) { db, now in
            try db.execute(sql: "UPDATE consumer SET requests_per_minute = ?, updated_at = ? WHERE id = ?", arguments: [perMinute, now, id])
        }
    }

    /// Registers (or replaces) the consumer's signing certificate, verified by the caller;
    /// audited as `consumer.certificate`. Refused when another consumer holds the fingerprint.
    @discardableResult
    public func setConsumerCertificate(_ id: String, to certificate: ConsumerCertificate, by operatorName: String) async throws -> Consumer {
        let detail = ["fingerprint": certificate.fingerprint, "ca": certificate.ca, "subject": certificate.subject,
                      "identity": certificate.identityCode, "notAfter": certificate.notAfter.formatted(.iso8601)]
        return try await updateConsumer(id, action: "consumer.certificate", by: operatorName, detail: detail) { db, now in
            if let holder = try String.fetchOne(db, sql: "SELECT id FROM consumer WHERE certificate_fingerprint = ? AND id != ?",
                                                arguments: [certificate.fingerprint, id]) {
                throw StoreError(.certificateRegistered, "certificate \(certificate.fingerprint) is already registered for consumer \(holder)")
            }
            try db.execute(
                sql: """
                    UPDATE consumer SET certificate_fingerprint = ?, certificate_der = ?, certificate_chain = ?, certificate_ca = ?,
                        certificate_subject = ?, certificate_identity = ?, certificate_not_after = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [certificate.fingerprint, Data(certificate.der), HubStore.encodeChain(certificate.chain), certificate.ca,
                            certificate.subject, certificate.identityCode, certificate.notAfter, now, id]
            )
        }
    }

    private func updateConsumer(
        _ id: String, action: String, by operatorName: String, detail: [String: String],
        change: @escaping @Sendable (Database, Date) throws -> Void
    ) async throws -> Consumer {
        try await pool.write { db in
            guard try HubStore.consumer(id, in: db) != nil else {
                throw StoreError(.consumerNotFound, "no consumer \(id) is registered (see shuniu consumers list)")
            }
            let now = Date()
            try change(db, now)
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: id, detail: JSONText.object(detail)),
                at: now, in: db
            )
            guard let updated = try HubStore.consumer(id, in: db) else { throw StoreError(.consumerNotFound, "consumer \(id) vanished") }
            return updated
        }
    }

    static func consumer(_ id: String, in db: Database) throws -> Consumer? {
        try Row.fetchOne(db, sql: "SELECT * FROM consumer WHERE id = ?", arguments: [id]).map(consumer(from:))
    }

    static func consumer(from row: Row) throws -> Consumer {
        let id: String = row["id"]
        guard let status = ConsumerStatus(rawValue: row["status"]) else {
            throw StoreError(.corruptRow, "consumer \(id) has an unknown status")
        }
        var certificate: ConsumerCertificate?
        if let fingerprint = row["certificate_fingerprint"] as String? {
            guard let der = row["certificate_der"] as Data?, let chain = decodeChain(row["certificate_chain"]) else {
                throw StoreError(.corruptRow, "consumer \(id)'s certificate is unreadable")
            }
            certificate = ConsumerCertificate(
                fingerprint: fingerprint, der: [UInt8](der), chain: chain, ca: row["certificate_ca"] ?? "",
                subject: row["certificate_subject"] ?? "", identityCode: row["certificate_identity"] ?? "",
                notAfter: row["certificate_not_after"] ?? Date.distantPast
            )
        }
        return Consumer(
            id: id, name: row["name"], status: status, appKey: row["app_key"], requestsPerMinute: row["requests_per_minute"],
            certificate: certificate, createdAt: row["created_at"], updatedAt: row["updated_at"], lastReadAt: row["last_read_at"]
        )
    }
}

extension HubStore {
    /// Refuses an app key a platform or a consumer already has: a signed request's key names one caller.
    static func refuseTakenAppKey(_ appKey: String, in db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM platform WHERE app_key = ? UNION SELECT 1 FROM consumer WHERE app_key = ?",
                             arguments: [appKey, appKey]) == true {
            throw StoreError(.appKeyExists, "app key \(appKey) is already in use")
        }
    }
}
