import Foundation
import PostgresNIO
import ShuniuCore

/// The registered platforms on PostgreSQL, read at every request so that a change made by any
/// instance (a suspension, a removed certificate) takes effect at once everywhere.
extension PostgresStore: PlatformDirectory {
    /// The `platform` columns (table alias `p`) that ``platform(from:)`` reads.
    static let platformColumns = """
        p.id, p.name, p.status, p.certified_until::text AS certified_until, p.allowed_datasets, p.app_key, p.app_secret, p.created_at,
        p.updated_at, p.operator_code, p.requests_per_minute, p.predecessors, p.strict_fields
        """

    public func platform(_ id: PlatformID) async throws -> Platform? {
        try await connection("reading a platform") { [logger] connection in
            try await connection.rows("SELECT \(unescaped: Self.platformColumns) FROM platform p WHERE p.id = \(id.rawValue)", logger: logger)
                .first.map { try Self.platform(from: $0) }
        }
    }

    public func platformCredential(appKey: String) async throws -> (Platform, PlatformCredential)? {
        try await connection("reading a platform's credential") { [logger] connection in
            guard let row = try await connection.rows(
                "SELECT \(unescaped: Self.platformColumns) FROM platform p WHERE p.app_key = \(appKey)", logger: logger
            ).first else { return nil }
            return (try Self.platform(from: row), PlatformCredential(appKey: try row["app_key"].decode(String.self), secret: try row["app_secret"].decode(String.self)))
        }
    }

    public func certificateInForce(fingerprint: String) async throws -> (Platform, PlatformCertificate)? {
        try await connection("reading a platform certificate") { [logger] connection in
            guard let row = try await connection.rows("""
                SELECT c.id AS certificate_id, c.platform AS certificate_platform, c.fingerprint, c.der, c.chain, c.ca, c.subject, c.serial,
                       c.identity_code, c.identity_code_type, c.not_after, c.added_by, c.added_at, c.removed_by, c.removed_at, c.removed_reason,
                       \(unescaped: Self.platformColumns)
                FROM platform_certificate c LEFT JOIN platform p ON p.id = c.platform
                WHERE c.fingerprint = \(fingerprint) AND c.removed_at IS NULL
                """, logger: logger).first else { return nil }
            let certificate = try Self.platformCertificate(from: row)
            guard try row["id"].decode(String?.self) != nil else {
                throw StoreError(.corruptRow, "certificate \(fingerprint) belongs to platform \(certificate.platform), which is not registered")
            }
            return (try Self.platform(from: row), certificate)
        }
    }

    static func platform(from row: PostgresRandomAccessRow) throws -> Platform {
        let rawID = try row["id"].decode(String.self)
        guard let id = PlatformID(rawValue: rawID), let status = PlatformStatus(rawValue: try row["status"].decode(String.self)),
              let certifiedUntil = CalendarDay(try row["certified_until"].decode(String.self)) else {
            throw StoreError(.corruptRow, "platform row \(rawID) is unreadable")
        }
        return Platform(
            id: id, name: try row["name"].decode(String.self), status: status, certifiedUntil: certifiedUntil,
            allowedDatasets: try row["allowed_datasets"].decode(String.self).split(separator: ",").map { DatasetID(String($0)) },
            appKey: try row["app_key"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
            updatedAt: try row["updated_at"].decode(Date.self), operatorCode: try row["operator_code"].decode(String?.self),
            requestsPerMinute: try row["requests_per_minute"].decode(Int.self),
            predecessors: try row["predecessors"].decode(String.self).split(separator: ",").compactMap { PlatformID(rawValue: String($0)) },
            strictFields: try row["strict_fields"].decode(Bool.self)
        )
    }

    static func platformCertificate(from row: PostgresRandomAccessRow) throws -> PlatformCertificate {
        let id = try row["certificate_id"].decode(Int64.self)
        guard let platform = PlatformID(rawValue: try row["certificate_platform"].decode(String.self)),
              let chain = decodeChain(try row["chain"].decode(String?.self)) else {
            throw StoreError(.corruptRow, "platform certificate row \(id) is unreadable")
        }
        return PlatformCertificate(
            id: id, platform: platform, fingerprint: try row["fingerprint"].decode(String.self), der: [UInt8](try row["der"].decode(Data.self)),
            chain: chain, ca: try row["ca"].decode(String.self), subject: try row["subject"].decode(String.self),
            serial: try row["serial"].decode(String.self), identityCode: try row["identity_code"].decode(String.self),
            identityCodeType: try row["identity_code_type"].decode(String.self), notAfter: try row["not_after"].decode(Date.self),
            addedBy: try row["added_by"].decode(String.self), addedAt: try row["added_at"].decode(Date.self),
            removedBy: try row["removed_by"].decode(String?.self), removedAt: try row["removed_at"].decode(Date?.self),
            removedReason: try row["removed_reason"].decode(String?.self)
        )
    }

    /// Chain certificates, kept as a JSON array of base64 DER (as the SQLite engine keeps them).
    static func decodeChain(_ text: String?) -> [[UInt8]]? {
        guard let text, let items = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return nil }
        let decoded = items.compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
        return decoded.count == items.count ? decoded : nil
    }
}
