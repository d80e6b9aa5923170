import Foundation
import PostgresNIO
import ShuniuCore

// SCAFFOLD: every method below but addPlatform is to be built.
extension PostgresStore: PlatformRegistry {
    public func addPlatform(_ platform: Platform, secret: String, by operatorName: String) async throws {
        try await write("registering a platform") { [logger] connection in
            if try await !connection.rows("SELECT 1 FROM platform WHERE id = \(platform.id.rawValue)", logger: logger).isEmpty {
                throw StoreError(.platformExists, "platform \(platform.id) is already registered")
            }
            if try await !connection.rows("SELECT 1 FROM platform WHERE app_key = \(platform.appKey)", logger: logger).isEmpty {
                throw StoreError(.appKeyExists, "app key \(platform.appKey) is already in use")
            }
            let datasets = platform.allowedDatasets.map(\.rawValue).joined(separator: ",")
            try await connection.run("""
                INSERT INTO platform (id, name, status, certified_until, allowed_datasets, app_key, app_secret, created_at, updated_at, operator_code,
                                      requests_per_minute)
                VALUES (\(platform.id.rawValue), \(platform.name), \(platform.status.rawValue), \(platform.certifiedUntil.description)::date, \(datasets),
                        \(platform.appKey), \(secret), \(platform.createdAt), \(platform.updatedAt), \(platform.operatorCode), \(platform.requestsPerMinute))
                """, logger: logger)
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

    public func platforms() async throws -> [Platform] { throw Self.notYet("platforms") }
    public func setPlatformStatus(_ id: PlatformID, to status: PlatformStatus, by operatorName: String, reason: String?) async throws -> Platform { throw Self.notYet("setPlatformStatus") }
    public func setOperatorCode(_ id: PlatformID, to code: String, by operatorName: String, reason: String?) async throws -> Platform { throw Self.notYet("setOperatorCode") }
    public func setPlatformRateLimit(_ id: PlatformID, to perMinute: Int, by operatorName: String) async throws -> Platform { throw Self.notYet("setPlatformRateLimit") }
    public func setStrictFields(_ id: PlatformID, to strict: Bool, by operatorName: String) async throws -> Platform { throw Self.notYet("setStrictFields") }
    public func addPredecessor(_ predecessor: PlatformID, to id: PlatformID, reason: String, by operatorName: String) async throws -> Platform { throw Self.notYet("addPredecessor") }
    public func addPlatformCertificate(_ certificate: PlatformCertificate, by operatorName: String) async throws -> PlatformCertificate { throw Self.notYet("addPlatformCertificate") }
    public func removePlatformCertificate(_ platform: PlatformID, fingerprint: String, by operatorName: String, reason: String?) async throws -> PlatformCertificate { throw Self.notYet("removePlatformCertificate") }
    public func platformCertificates(_ platform: PlatformID, includingRemoved: Bool) async throws -> [PlatformCertificate] { throw Self.notYet("platformCertificates") }
}
