import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Registers a signing certificate that the caller has verified, audited as
    /// `platform.certificate.add` in the same transaction. Refuses one that is in force already,
    /// for this platform or another: a fingerprint names exactly one platform at ingest.
    /// Returns the stored registration with its id.
    @discardableResult
    public func addPlatformCertificate(_ certificate: PlatformCertificate, by operatorName: String) async throws -> PlatformCertificate {
        try await pool.write { db in
            guard try HubStore.platform(certificate.platform, in: db) != nil else {
                throw StoreError(.platformNotFound, "no platform \(certificate.platform) is registered")
            }
            if let holder = try String.fetchOne(
                db, sql: "SELECT platform FROM platform_certificate WHERE fingerprint = ? AND removed_at IS NULL", arguments: [certificate.fingerprint]
            ) {
                let whose = holder == certificate.platform.rawValue ? "this platform" : "platform \(holder)"
                throw StoreError(.certificateRegistered, "certificate \(certificate.fingerprint) is already registered for \(whose); a certificate signs for one platform only")
            }
            try db.execute(
                sql: """
                    INSERT INTO platform_certificate (platform, fingerprint, der, chain, ca, subject, serial, identity_code, identity_code_type,
                                                      not_after, added_by, added_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [certificate.platform.rawValue, certificate.fingerprint, Data(certificate.der), HubStore.encodeChain(certificate.chain),
                            certificate.ca, certificate.subject, certificate.serial, certificate.identityCode, certificate.identityCodeType,
                            certificate.notAfter, operatorName, certificate.addedAt]
            )
            var stored = certificate
            stored.id = db.lastInsertedRowID
            stored.addedBy = operatorName
            let detail = JSONText.object([
                "fingerprint": certificate.fingerprint, "ca": certificate.ca, "subject": certificate.subject, "serial": certificate.serial,
                "identity": certificate.identityCode, "notAfter": certificate.notAfter.formatted(.iso8601),
            ])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.certificate.add", subject: certificate.platform.rawValue, detail: detail),
                at: certificate.addedAt, in: db
            )
            return stored
        }
    }

    /// Marks a platform's certificate removed (the row is kept), audited as
    /// `platform.certificate.remove`. Requests signed with it are refused from the next one on.
    /// Returns the registration as now removed.
    @discardableResult
    public func removePlatformCertificate(_ platform: PlatformID, fingerprint: String, by operatorName: String, reason: String?) async throws -> PlatformCertificate {
        try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM platform_certificate WHERE platform = ? AND fingerprint = ? AND removed_at IS NULL",
                arguments: [platform.rawValue, fingerprint]
            ) else {
                throw StoreError(.certificateNotFound, "platform \(platform) has no certificate \(fingerprint) in force (see shuniu platforms certs list \(platform))")
            }
            var certificate = try HubStore.platformCertificate(from: row)
            let now = Date()
            try db.execute(
                sql: "UPDATE platform_certificate SET removed_by = ?, removed_at = ?, removed_reason = ? WHERE id = ?",
                arguments: [operatorName, now, reason, certificate.id]
            )
            let detail = JSONText.object(["fingerprint": fingerprint, "subject": certificate.subject, "reason": reason ?? ""])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.certificate.remove", subject: platform.rawValue, detail: detail),
                at: now, in: db
            )
            certificate.removedBy = operatorName
            certificate.removedAt = now
            certificate.removedReason = reason
            return certificate
        }
    }

    /// A platform's certificates, newest first; removed ones only when asked for.
    public func platformCertificates(_ platform: PlatformID, includingRemoved: Bool = false) async throws -> [PlatformCertificate] {
        try await pool.read { db in
            let sql = "SELECT * FROM platform_certificate WHERE platform = ?" + (includingRemoved ? "" : " AND removed_at IS NULL") + " ORDER BY id DESC"
            return try Row.fetchAll(db, sql: sql, arguments: [platform.rawValue]).map(HubStore.platformCertificate(from:))
        }
    }

    /// The registration in force of the certificate with this fingerprint, with its platform:
    /// read at every certificate-signed request, so a removal takes effect at once.
    public func certificateInForce(fingerprint: String) async throws -> (Platform, PlatformCertificate)? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM platform_certificate WHERE fingerprint = ? AND removed_at IS NULL", arguments: [fingerprint]
            ) else { return nil }
            let certificate = try HubStore.platformCertificate(from: row)
            guard let platform = try HubStore.platform(certificate.platform, in: db) else {
                throw StoreError(.corruptRow, "certificate \(fingerprint) belongs to platform \(certificate.platform), which is not registered")
            }
            return (platform, certificate)
        }
    }

    static func platformCertificate(from row: Row) throws -> PlatformCertificate {
        let id: Int64 = row["id"]
        guard let platform = PlatformID(rawValue: row["platform"]), let der = row["der"] as Data?,
              let chain = decodeChain(row["chain"]) else {
            throw StoreError(.corruptRow, "platform certificate row \(id) is unreadable")
        }
        return PlatformCertificate(
            id: id, platform: platform, fingerprint: row["fingerprint"], der: [UInt8](der), chain: chain, ca: row["ca"],
            subject: row["subject"], serial: row["serial"], identityCode: row["identity_code"], identityCodeType: row["identity_code_type"],
            notAfter: row["not_after"], addedBy: row["added_by"], addedAt: row["added_at"],
            removedBy: row["removed_by"], removedAt: row["removed_at"], removedReason: row["removed_reason"]
        )
    }

    /// Chain certificates as a JSON array of base64 DER.
    static func encodeChain(_ chain: [[UInt8]]) -> String {
        JSONText.encode(chain.map { Data($0).base64EncodedString() })
    }

    static func decodeChain(_ text: String?) -> [[UInt8]]? {
        guard let text, let items = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return nil }
        let decoded = items.compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
        return decoded.count == items.count ? decoded : nil
    }
}
