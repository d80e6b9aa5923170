import Foundation
import PostgresNIO
import ShuniuCore

/// The platform registry on PostgreSQL, where several instances may run one operator command at
/// once: a change locks the platform's row (`FOR UPDATE`) so that the second waits and then sees
/// the first's result; a registration inserts with `ON CONFLICT DO NOTHING`, so that the second
/// of two racing ones waits for the first and is refused with the port's own error, not a
/// database fault. The unique partial index `platform_certificate_in_force` holds a fingerprint
/// to one registration in force.
extension PostgresStore: PlatformRegistry {
    /// The `platform_certificate` columns (table alias `c`) that ``platformCertificate(from:)`` reads.
    static let certificateColumns = """
        c.id AS certificate_id, c.platform AS certificate_platform, c.fingerprint, c.der, c.chain, c.ca, c.subject, c.serial,
        c.identity_code, c.identity_code_type, c.not_after, c.added_by, c.added_at, c.removed_by, c.removed_at, c.removed_reason
        """

    public func addPlatform(_ platform: Platform, secret: String, by operatorName: String) async throws {
        try await write("registering a platform") { [logger] connection in
            if try await !connection.rows("SELECT 1 FROM platform WHERE id = \(platform.id.rawValue)", logger: logger).isEmpty {
                throw StoreError(.platformExists, "platform \(platform.id) is already registered")
            }
            try await Self.claimAppKey(platform.appKey, on: connection, logger: logger)
            let datasets = platform.allowedDatasets.map(\.rawValue).joined(separator: ",")
            // Another instance may register the same id or key between the checks and the insert:
            // the insert then waits for it and inserts nothing.
            let inserted = try await connection.rows("""
                INSERT INTO platform (id, name, status, certified_until, allowed_datasets, app_key, app_secret, created_at, updated_at, operator_code,
                                      requests_per_minute)
                VALUES (\(platform.id.rawValue), \(platform.name), \(platform.status.rawValue), \(platform.certifiedUntil.description)::date, \(datasets),
                        \(platform.appKey), \(secret), \(platform.createdAt), \(platform.updatedAt), \(platform.operatorCode), \(platform.requestsPerMinute))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger)
            if inserted.isEmpty {
                if try await !connection.rows("SELECT 1 FROM platform WHERE id = \(platform.id.rawValue)", logger: logger).isEmpty {
                    throw StoreError(.platformExists, "platform \(platform.id) is already registered")
                }
                throw StoreError(.appKeyExists, "app key \(platform.appKey) is already in use")
            }
            let detail = JSONText.object([
                "name": platform.name, "certifiedUntil": platform.certifiedUntil.description, "allowedDatasets": datasets, "appKey": platform.appKey,
                "operatorCode": platform.operatorCode ?? "", "requestsPerMinute": "\(platform.requestsPerMinute)",
            ])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.add", subject: platform.id.rawValue, detail: detail),
                at: Date(), on: connection, logger: logger
            )
        }
    }

    public func platforms() async throws -> [Platform] {
        try await connection("reading the platforms") { [logger] connection in
            try await connection.rows("SELECT \(unescaped: Self.platformColumns) FROM platform p ORDER BY p.id", logger: logger).map { try Self.platform(from: $0) }
        }
    }

    public func setPlatformStatus(_ id: PlatformID, to status: PlatformStatus, by operatorName: String, reason: String?) async throws -> Platform {
        try await updatePlatform(id, action: status == .suspended ? "platform.suspend" : "platform.resume", by: operatorName) { platform, connection, now, logger in
            try await connection.run("UPDATE platform SET status = \(status.rawValue), updated_at = \(now) WHERE id = \(id.rawValue)", logger: logger)
            return ["from": platform.status.rawValue, "to": status.rawValue, "reason": reason ?? ""]
        }
    }

    public func setOperatorCode(_ id: PlatformID, to code: String, by operatorName: String, reason: String?) async throws -> Platform {
        try await updatePlatform(id, action: "platform.operator_code", by: operatorName) { platform, connection, now, logger in
            try await connection.run("UPDATE platform SET operator_code = \(code), updated_at = \(now) WHERE id = \(id.rawValue)", logger: logger)
            return ["from": platform.operatorCode ?? "", "to": code, "reason": reason ?? ""]
        }
    }

    public func setPlatformRateLimit(_ id: PlatformID, to perMinute: Int, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.rate_limit", by: operatorName) { platform, connection, now, logger in
            try await connection.run("UPDATE platform SET requests_per_minute = \(perMinute), updated_at = \(now) WHERE id = \(id.rawValue)", logger: logger)
            return ["from": "\(platform.requestsPerMinute)", "to": "\(perMinute)"]
        }
    }

    public func setStrictFields(_ id: PlatformID, to strict: Bool, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.strict_fields", by: operatorName) { platform, connection, now, logger in
            try await connection.run("UPDATE platform SET strict_fields = \(strict), updated_at = \(now) WHERE id = \(id.rawValue)", logger: logger)
            return ["from": platform.strictFields ? "strict" : "keep", "to": strict ? "strict" : "keep"]
        }
    }

    public func addPredecessor(_ predecessor: PlatformID, to id: PlatformID, reason: String, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.predecessor", by: operatorName) { platform, connection, now, logger in
            guard predecessor != id else { throw StoreError(.invalidChange, "a platform cannot succeed itself") }
            guard try await !connection.rows("SELECT 1 FROM platform WHERE id = \(predecessor.rawValue)", logger: logger).isEmpty else {
                throw StoreError(.platformNotFound, "no platform \(predecessor) is registered")
            }
            // The row is locked: a second instance adding the same predecessor waits, then finds it here.
            guard !platform.predecessors.contains(predecessor) else {
                throw StoreError(.invalidChange, "platform \(id) already succeeds \(predecessor)")
            }
            let list = (platform.predecessors + [predecessor]).map(\.rawValue).joined(separator: ",")
            try await connection.run("UPDATE platform SET predecessors = \(list), updated_at = \(now) WHERE id = \(id.rawValue)", logger: logger)
            return ["predecessor": predecessor.rawValue, "reason": reason]
        }
    }

    /// One operator's change to a registered platform and its audit entry, in one transaction
    /// that holds the platform's row: `change` makes it (from the platform as it stands once
    /// locked) and answers the entry's detail. Returns the platform as changed.
    private func updatePlatform(
        _ id: PlatformID, action: String, by operatorName: String,
        change: (Platform, PostgresConnection, Date, Logger) async throws -> [String: String]
    ) async throws -> Platform {
        try await write("changing platform \(id)") { [logger] connection in
            guard let platform = try await lockedPlatform(id, on: connection) else {
                throw StoreError(.platformNotFound, "no platform \(id) is registered")
            }
            let now = Date()
            let detail = try await change(platform, connection, now, logger)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: id.rawValue, detail: JSONText.object(detail)),
                at: now, on: connection, logger: logger
            )
            guard let updated = try await connection.rows(
                "SELECT \(unescaped: Self.platformColumns) FROM platform p WHERE p.id = \(id.rawValue)", logger: logger
            ).first else { throw StoreError(.platformNotFound, "platform \(id) vanished") }
            return try Self.platform(from: updated)
        }
    }

    /// The platform, its row locked until the transaction ends.
    private func lockedPlatform(_ id: PlatformID, on connection: PostgresConnection) async throws -> Platform? {
        try await connection.rows("SELECT \(unescaped: Self.platformColumns) FROM platform p WHERE p.id = \(id.rawValue) FOR UPDATE", logger: logger)
            .first.map { try Self.platform(from: $0) }
    }

    public func addPlatformCertificate(_ certificate: PlatformCertificate, by operatorName: String) async throws -> PlatformCertificate {
        try await write("registering a platform certificate") { [logger] connection in
            guard try await !connection.rows("SELECT 1 FROM platform WHERE id = \(certificate.platform.rawValue)", logger: logger).isEmpty else {
                throw StoreError(.platformNotFound, "no platform \(certificate.platform) is registered")
            }
            // The index in force refuses a second registration of the fingerprint; an instance
            // registering it at the same moment waits for this one and then inserts nothing.
            let inserted = try await connection.rows("""
                INSERT INTO platform_certificate (platform, fingerprint, der, chain, ca, subject, serial, identity_code, identity_code_type,
                                                  not_after, added_by, added_at)
                VALUES (\(certificate.platform.rawValue), \(certificate.fingerprint), \(Data(certificate.der)), \(JSONText.encode(certificate.chain.map { Data($0).base64EncodedString() })),
                        \(certificate.ca), \(certificate.subject), \(certificate.serial), \(certificate.identityCode), \(certificate.identityCodeType),
                        \(certificate.notAfter), \(operatorName), \(certificate.addedAt))
                ON CONFLICT (fingerprint) WHERE removed_at IS NULL DO NOTHING RETURNING id
                """, logger: logger)
            guard let row = inserted.first else {
                let holder = try await connection.rows(
                    "SELECT platform FROM platform_certificate WHERE fingerprint = \(certificate.fingerprint) AND removed_at IS NULL", logger: logger
                ).first.map { try $0["platform"].decode(String.self) }
                let whose = holder == certificate.platform.rawValue ? "this platform" : "platform \(holder ?? "?")"
                throw StoreError(.certificateRegistered, "certificate \(certificate.fingerprint) is already registered for \(whose); a certificate signs for one platform only")
            }
            var stored = certificate
            stored.id = try row["id"].decode(Int64.self)
            stored.addedBy = operatorName
            let detail = JSONText.object([
                "fingerprint": certificate.fingerprint, "ca": certificate.ca, "subject": certificate.subject, "serial": certificate.serial,
                "identity": certificate.identityCode, "notAfter": certificate.notAfter.formatted(.iso8601),
            ])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.certificate.add", subject: certificate.platform.rawValue, detail: detail),
                at: certificate.addedAt, on: connection, logger: logger
            )
            return stored
        }
    }

    public func removePlatformCertificate(_ platform: PlatformID, fingerprint: String, by operatorName: String, reason: String?) async throws -> PlatformCertificate {
        try await write("removing a platform certificate") { [logger] connection in
            // Locked: a second instance removing it waits, then finds it no longer in force.
            guard let row = try await connection.rows("""
                SELECT \(unescaped: Self.certificateColumns) FROM platform_certificate c
                WHERE c.platform = \(platform.rawValue) AND c.fingerprint = \(fingerprint) AND c.removed_at IS NULL FOR UPDATE
                """, logger: logger).first else {
                throw StoreError(.certificateNotFound, "platform \(platform) has no certificate \(fingerprint) in force (see shuniu platforms certs list \(platform))")
            }
            var certificate = try Self.platformCertificate(from: row)
            let now = Date()
            try await connection.run("""
                UPDATE platform_certificate SET removed_by = \(operatorName), removed_at = \(now), removed_reason = \(reason) WHERE id = \(certificate.id)
                """, logger: logger)
            let detail = JSONText.object(["fingerprint": fingerprint, "subject": certificate.subject, "reason": reason ?? ""])
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.certificate.remove", subject: platform.rawValue, detail: detail),
                at: now, on: connection, logger: logger
            )
            certificate.removedBy = operatorName
            certificate.removedAt = now
            certificate.removedReason = reason
            return certificate
        }
    }

    public func platformCertificates(_ platform: PlatformID, includingRemoved: Bool) async throws -> [PlatformCertificate] {
        try await connection("reading a platform's certificates") { [logger] connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.certificateColumns) FROM platform_certificate c
                WHERE c.platform = \(platform.rawValue) AND (\(includingRemoved) OR c.removed_at IS NULL) ORDER BY c.id DESC
                """, logger: logger).map { try Self.platformCertificate(from: $0) }
        }
    }

    /// The advisory lock class of app keys, one lock per key (hashed): "SHAK".
    static let appKeyLockClass: Int32 = 0x5348_414B

    /// Refuses an app key a platform or a consumer already has (a signed request's key names one
    /// caller), under a lock held until the transaction ends: a platform and a consumer registered
    /// with one key at once (two instances) are checked one after the other, since no unique index
    /// spans both tables.
    static func claimAppKey(_ appKey: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(\(appKeyLockClass), hashtext(\(appKey)))", logger: logger)
        if try await !connection.rows("""
            SELECT 1 FROM platform WHERE app_key = \(appKey) UNION SELECT 1 FROM consumer WHERE app_key = \(appKey)
            """, logger: logger).isEmpty {
            throw StoreError(.appKeyExists, "app key \(appKey) is already in use")
        }
    }
}
