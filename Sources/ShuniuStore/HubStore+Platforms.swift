import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Registers a platform with its signing credential, audited as `platform.add` in the same transaction.
    public func addPlatform(_ platform: Platform, secret: String, by operatorName: String) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM platform WHERE id = ?", arguments: [platform.id.rawValue]) == true {
                throw StoreError(.platformExists, "platform \(platform.id) is already registered")
            }
            try HubStore.refuseTakenAppKey(platform.appKey, in: db)
            try db.execute(
                sql: """
                    INSERT INTO platform (id, name, status, certified_until, allowed_datasets, app_key, app_secret, created_at, updated_at, operator_code,
                                          requests_per_minute)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [platform.id.rawValue, platform.name, platform.status.rawValue, platform.certifiedUntil.description,
                            HubStore.encodeDatasets(platform.allowedDatasets), platform.appKey, secret, platform.createdAt, platform.updatedAt,
                            platform.operatorCode, platform.requestsPerMinute]
            )
            let detail = JSONText.object([
                "name": platform.name, "certifiedUntil": platform.certifiedUntil.description,
                "allowedDatasets": platform.allowedDatasets.map(\.rawValue).joined(separator: ","), "appKey": platform.appKey,
                "operatorCode": platform.operatorCode ?? "", "requestsPerMinute": "\(platform.requestsPerMinute)",
            ])
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "platform.add", subject: platform.id.rawValue, detail: detail),
                at: Date(), in: db
            )
        }
    }

    /// Suspends or resumes a platform, audited as `platform.suspend` / `platform.resume`.
    @discardableResult
    public func setPlatformStatus(_ id: PlatformID, to status: PlatformStatus, by operatorName: String, reason: String?) async throws -> Platform {
        try await updatePlatform(id, action: status == .suspended ? "platform.suspend" : "platform.resume", by: operatorName) { platform, db, now in
            try db.execute(sql: "UPDATE platform SET status = ?, updated_at = ? WHERE id = ?", arguments: [status.rawValue, now, id.rawValue])
            return ["from": platform.status.rawValue, "to": status.rawValue, "reason": reason ?? ""]
        }
    }

    /// Sets the operator's 统一社会信用代码 (checked by the caller), audited as
    /// `platform.operator_code`. Registered certificates of another holder stop signing for the
    /// platform at once: each request compares the holder with the code in force.
    @discardableResult
    public func setOperatorCode(_ id: PlatformID, to code: String, by operatorName: String, reason: String? = nil) async throws -> Platform {
        try await updatePlatform(id, action: "platform.operator_code", by: operatorName) { platform, db, now in
            try db.execute(sql: "UPDATE platform SET operator_code = ?, updated_at = ? WHERE id = ?", arguments: [code, now, id.rawValue])
            return ["from": platform.operatorCode ?? "", "to": code, "reason": reason ?? ""]
        }
    }

    /// Sets the pushes a platform may make a minute, audited as `platform.rate_limit`.
    @discardableResult
    public func setPlatformRateLimit(_ id: PlatformID, to perMinute: Int, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.rate_limit", by: operatorName) { platform, db, now in
            try db.execute(sql: "UPDATE platform SET requests_per_minute = ?, updated_at = ? WHERE id = ?", arguments: [perMinute, now, id.rawValue])
            return ["from": "\(platform.requestsPerMinute)", "to": "\(perMinute)"]
        }
    }

    /// Sets whether a platform's fields that its dataset does not define are refused (strict) or
    /// kept under `extra` with a warning, audited as `platform.strict_fields`.
    @discardableResult
    public func setStrictFields(_ id: PlatformID, to strict: Bool, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.strict_fields", by: operatorName) { platform, db, now in
            try db.execute(sql: "UPDATE platform SET strict_fields = ?, updated_at = ? WHERE id = ?", arguments: [strict, now, id.rawValue])
            return ["from": platform.strictFields ? "strict" : "keep", "to": strict ? "strict" : "keep"]
        }
    }

    /// Registers `predecessor` as a platform that `id` succeeds (a merger): `id` may then create
    /// codes that begin with the predecessor's 交易平台标识码 and send new versions of its records.
    /// Audited as `platform.predecessor` with the reason.
    @discardableResult
    public func addPredecessor(_ predecessor: PlatformID, to id: PlatformID, reason: String, by operatorName: String) async throws -> Platform {
        try await updatePlatform(id, action: "platform.predecessor", by: operatorName) { platform, db, now in
            guard predecessor != id else { throw StoreError(.invalidChange, "a platform cannot succeed itself") }
            guard try HubStore.platform(predecessor, in: db) != nil else { throw StoreError(.platformNotFound, "no platform \(predecessor) is registered") }
            guard !platform.predecessors.contains(predecessor) else {
                throw StoreError(.invalidChange, "platform \(id) already succeeds \(predecessor)")
            }
            let list = (platform.predecessors + [predecessor]).map(\.rawValue).joined(separator: ",")
            try db.execute(sql: "UPDATE platform SET predecessors = ?, updated_at = ? WHERE id = ?", arguments: [list, now, id.rawValue])
            return ["predecessor": predecessor.rawValue, "reason": reason]
        }
    }

    /// One operator's change to a registered platform and its audit entry, in one transaction;
    /// `change` makes it and answers the entry's detail. Returns the platform as changed.
    private func updatePlatform(
        _ id: PlatformID, action: String, by operatorName: String,
        change: @escaping @Sendable (Platform, Database, Date) throws -> [String: String]
    ) async throws -> Platform {
        try await pool.write { db in
            guard let platform = try HubStore.platform(id, in: db) else {
                throw StoreError(.platformNotFound, "no platform \(id) is registered")
            }
            let now = Date()
            let detail = try change(platform, db, now)
            try HubStore.appendAudit(
                AuditEvent(actorKind: .operator, actor: operatorName, action: action, subject: id.rawValue, detail: JSONText.object(detail)),
                at: now, in: db
            )
            guard let updated = try HubStore.platform(id, in: db) else { throw StoreError(.platformNotFound, "platform \(id) vanished") }
            return updated
        }
    }

    public func platforms() async throws -> [Platform] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM platform ORDER BY id").map(HubStore.platform(from:))
        }
    }

    public func platform(_ id: PlatformID) async throws -> Platform? {
        try await pool.read { db in try HubStore.platform(id, in: db) }
    }

    /// The platform that owns `appKey`, with its secret, for checking a request's signature.
    public func platformCredential(appKey: String) async throws -> (Platform, PlatformCredential)? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM platform WHERE app_key = ?", arguments: [appKey]) else { return nil }
            return (try HubStore.platform(from: row), PlatformCredential(appKey: row["app_key"], secret: row["app_secret"]))
        }
    }

    static func platform(_ id: PlatformID, in db: Database) throws -> Platform? {
        try Row.fetchOne(db, sql: "SELECT * FROM platform WHERE id = ?", arguments: [id.rawValue]).map(platform(from:))
    }

    static func platform(from row: Row) throws -> Platform {
        guard let id = PlatformID(rawValue: row["id"]),
              let status = PlatformStatus(rawValue: row["status"]),
              let certifiedUntil = CalendarDay(row["certified_until"] as String) else {
            throw StoreError(.corruptRow, "platform row \(row["id"] as String? ?? "?") is unreadable")
        }
        return Platform(
            id: id, name: row["name"], status: status, certifiedUntil: certifiedUntil,
            allowedDatasets: decodeDatasets(row["allowed_datasets"]), appKey: row["app_key"],
            createdAt: row["created_at"], updatedAt: row["updated_at"], operatorCode: row["operator_code"],
            requestsPerMinute: row["requests_per_minute"],
            predecessors: (row["predecessors"] as String).split(separator: ",").compactMap { PlatformID(rawValue: String($0)) },
            strictFields: row["strict_fields"]
        )
    }

    static func encodeDatasets(_ datasets: [DatasetID]) -> String {
        datasets.map(\.rawValue).joined(separator: ",")
    }

    static func decodeDatasets(_ text: String) -> [DatasetID] {
        text.split(separator: ",").map { DatasetID(String($0)) }
    }
}
