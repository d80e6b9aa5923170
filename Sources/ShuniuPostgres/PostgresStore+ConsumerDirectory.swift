import Foundation
import PostgresNIO
import ShuniuCore

/// The registered consumers and their grants on PostgreSQL, read at every request.
extension PostgresStore: ConsumerDirectory {
    public func consumerCredential(appKey: String) async throws -> (Consumer, secret: String)? {
        try await connection("reading a consumer's credential") { [logger] connection in
            try await connection.rows("SELECT * FROM consumer WHERE app_key = \(appKey)", logger: logger).first.map { row in
                (try Self.consumer(from: row), try row["app_secret"].decode(String.self))
            }
        }
    }

    public func consumer(certificateFingerprint fingerprint: String) async throws -> Consumer? {
        try await connection("reading a consumer") { [logger] connection in
            try await connection.rows("SELECT * FROM consumer WHERE certificate_fingerprint = \(fingerprint)", logger: logger).first.map { try Self.consumer(from: $0) }
        }
    }

    public func grantsInForce(consumer: String, at instant: Date) async throws -> [DataGrant] {
        try await connection("reading a consumer's grants") { [logger] connection in
            try await connection.rows("""
                SELECT * FROM data_grant
                WHERE consumer = \(consumer) AND revoked_at IS NULL AND granted_at <= \(instant) AND expires_at > \(instant) ORDER BY id
                """, logger: logger).map { try Self.grant(from: $0) }
        }
    }

    static func consumer(from row: PostgresRandomAccessRow) throws -> Consumer {
        let id = try row["id"].decode(String.self)
        guard let status = ConsumerStatus(rawValue: try row["status"].decode(String.self)) else {
            throw StoreError(.corruptRow, "consumer \(id) has an unknown status")
        }
        var certificate: ConsumerCertificate?
        if let fingerprint = try row["certificate_fingerprint"].decode(String?.self) {
            guard let der = try row["certificate_der"].decode(Data?.self), let chain = decodeChain(try row["certificate_chain"].decode(String?.self)) else {
                throw StoreError(.corruptRow, "consumer \(id)'s certificate is unreadable")
            }
            certificate = ConsumerCertificate(
                fingerprint: fingerprint, der: [UInt8](der), chain: chain, ca: try row["certificate_ca"].decode(String?.self) ?? "",
                subject: try row["certificate_subject"].decode(String?.self) ?? "", identityCode: try row["certificate_identity"].decode(String?.self) ?? "",
                notAfter: try row["certificate_not_after"].decode(Date?.self) ?? Date.distantPast
            )
        }
        return Consumer(
            id: id, name: try row["name"].decode(String.self), status: status, appKey: try row["app_key"].decode(String.self),
            requestsPerMinute: try row["requests_per_minute"].decode(Int.self), certificate: certificate,
            createdAt: try row["created_at"].decode(Date.self), updatedAt: try row["updated_at"].decode(Date.self),
            lastReadAt: try row["last_read_at"].decode(Date?.self)
        )
    }

    static func grant(from row: PostgresRandomAccessRow) throws -> DataGrant {
        DataGrant(
            id: try row["id"].decode(Int64.self), consumer: try row["consumer"].decode(String.self), dataset: DatasetID(try row["dataset"].decode(String.self)),
            purpose: try row["purpose"].decode(String.self), personalData: try row["personal_data"].decode(Bool.self),
            approvedBy: try row["approved_by"].decode(String.self), grantedAt: try row["granted_at"].decode(Date.self),
            expiresAt: try row["expires_at"].decode(Date.self), revokedBy: try row["revoked_by"].decode(String?.self),
            revokedAt: try row["revoked_at"].decode(Date?.self), revokedReason: try row["revoked_reason"].decode(String?.self),
            government: try row["government"].decode(Bool.self)
        )
    }
}
