import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// The reads of `audit verify` on PostgreSQL, in one snapshot, handed to ``AuditVerification``
/// in its order. Entries and versions are read a page at a time (by id); the versions an
/// `ingest.batch` entry accepted are looked up together, between pages, on the same connection
/// and snapshot.
struct PostgresAuditVerificationReads {
    let connection: PostgresConnection
    let logger: Logger
    static let pageSize = 1000

    func verify(key: AuditKey?, checkpoints: [AuditCheckpoints.Line]?) async throws -> AuditChainReport {
        var verification = AuditVerification(
            marker: try await PostgresAuditChain.marker(on: connection, logger: logger), key: key, checkpoints: checkpoints
        )

        // The chain, and each ingest.batch entry's accepted versions.
        var after: Int64 = 0
        while true {
            let page = try await connection.rows("""
                SELECT id, at, actor_kind, actor, action, outcome, subject, address, detail, previous_hash, hash
                FROM audit_entry WHERE id > \(after) ORDER BY id LIMIT \(Self.pageSize)
                """, logger: logger).map(Self.entry(from:))
            for entry in page {
                let lines = verification.entry(entry)
                guard !lines.isEmpty else { continue }
                let found = try await versions(lines)
                for (index, line) in lines.enumerated() {
                    verification.acceptedVersion(line, platform: entry.actor, stored: found[index]?.version, undelivered: found[index]?.undelivered ?? [])
                }
            }
            guard let last = page.last, page.count == Self.pageSize else { break }
            after = last.id
        }
        verification.endOfChain()

        // Every version accepted by some entry.
        after = 0
        while true {
            let page = try await connection.rows("""
                SELECT id, dataset, business_key, version FROM record_version WHERE id > \(after) ORDER BY id LIMIT \(Self.pageSize * 10)
                """, logger: logger)
            for row in page {
                verification.storedVersion(
                    id: try row["id"].decode(Int64.self), dataset: try row["dataset"].decode(String.self),
                    key: try row["business_key"].decode(String.self), version: try row["version"].decode(Int.self)
                )
            }
            guard let last = page.last, page.count == Self.pageSize * 10 else { break }
            after = try last["id"].decode(Int64.self)
        }

        // Each record's owner and latest version against its versions.
        let records = try await connection.query("\(unescaped: AuditVerification.recordsQuery)", logger: logger)
        for try await row in records {
            let row = row.makeRandomAccess()
            verification.record(AuditVerification.Record(
                dataset: try row["dataset"].decode(String.self), key: try row["business_key"].decode(String.self),
                owner: try row["owner_platform"].decode(String.self), latestVersion: try row["latest_version"].decode(Int.self),
                latestHash: try row["latest_hash"].decode(String.self), firstSource: try row["first_source"].decode(String?.self),
                latestID: try row["latest_id"].decode(Int64?.self), latestContent: try row["latest_content"].decode(String?.self),
                newest: try row["newest"].decode(Int?.self)
            ))
        }

        // Deliveries of versions that are gone or belong to another record.
        let orphans = try await connection.query("""
            SELECT d.id, d.version_id FROM delivery d LEFT JOIN record_version v ON v.id = d.version_id
            WHERE v.id IS NULL OR v.record_id != d.record_id ORDER BY d.id
            """, logger: logger)
        for try await row in orphans {
            let row = row.makeRandomAccess()
            verification.orphanedDelivery(id: try row["id"].decode(Int64.self), versionID: try row["version_id"].decode(Int64.self))
        }
        let deliveries = try await connection.rows("SELECT COUNT(*) AS n FROM delivery", logger: logger)[0]["n"].decode(Int.self)
        return verification.finish(deliveries: deliveries)
    }

    /// The versions `lines` name, by the line's index: each with its values as the SQLite engine
    /// stores them, and the line's destinations with no delivery of it. A line whose version is
    /// gone has none.
    private func versions(_ lines: [IngestAuditLines.Line]) async throws -> [Int: (version: AuditVerification.Version, undelivered: [String])] {
        let rows = try await connection.rows("""
            SELECT line.n, v.id, v.record_id, v.version, v.dataset, v.business_key, v.source_platform, v.region_code, v.raw_payload,
                   v.normalized_payload, v.content_hash, v.spec_version, v.received_at, v.payload_id, v.source_path, v.mapping_version,
                   v.signature, v.flags, v.extra, v.data_key, v.operation
            FROM unnest(\(lines.map { $0.dataset ?? "" })::text[], \(lines.map { $0.key ?? "" })::text[], \(lines.map { $0.version ?? 0 })::bigint[])
                 WITH ORDINALITY AS line(dataset, business_key, version, n)
            JOIN record r ON r.dataset = line.dataset AND r.business_key = line.business_key
            JOIN record_version v ON v.record_id = r.id AND v.version = line.version
            """, logger: logger)
        var found: [Int: AuditVerification.Version] = [:]
        for row in rows {
            func text(_ column: String) throws -> StoredValue { try row[column].decode(String?.self).map { .text($0) } ?? .null }
            // In the order of `VersionDigest.columns`, then `VersionDigest.laterColumns`.
            let values: [StoredValue] = [
                .integer(try row["record_id"].decode(Int64.self)), .integer(Int64(try row["version"].decode(Int.self))), try text("dataset"),
                try text("business_key"), try text("source_platform"), try text("region_code"), try text("raw_payload"), try text("normalized_payload"),
                try text("content_hash"), try text("spec_version"), .time(try row["received_at"].decode(Date.self)),
                try row["payload_id"].decode(Int64?.self).map { .integer($0) } ?? .null, try text("source_path"), try text("mapping_version"),
                try text("signature"), try text("flags"),
            ]
            found[Int(try row["n"].decode(Int64.self)) - 1] = AuditVerification.Version(
                id: try row["id"].decode(Int64.self), values: values, later: [try text("extra"), try text("data_key"), try text("operation")],
                sourcePlatform: try row["source_platform"].decode(String.self), contentHash: try row["content_hash"].decode(String.self),
                normalizedPayload: try row["normalized_payload"].decode(String.self), extra: try row["extra"].decode(String?.self)
            )
        }
        // Where the found versions were delivered, for the lines that name destinations.
        let routedIDs = found.filter { !(lines[$0.key].to ?? []).isEmpty }.map(\.value.id)
        var delivered: Set<String> = []
        if !routedIDs.isEmpty {
            for row in try await connection.rows(
                "SELECT DISTINCT version_id, destination FROM delivery WHERE version_id = ANY(\(routedIDs))", logger: logger
            ) {
                delivered.insert("\(try row["version_id"].decode(Int64.self)) \(try row["destination"].decode(String.self))")
            }
        }
        var result: [Int: (version: AuditVerification.Version, undelivered: [String])] = [:]
        for (index, version) in found {
            result[index] = (version, (lines[index].to ?? []).filter { !delivered.contains("\(version.id) \($0)") })
        }
        return result
    }

    static func entry(from row: PostgresRandomAccessRow) throws -> AuditVerification.Entry {
        AuditVerification.Entry(
            id: try row["id"].decode(Int64.self), at: try row["at"].decode(String.self), actorKind: try row["actor_kind"].decode(String.self),
            actor: try row["actor"].decode(String.self), action: try row["action"].decode(String.self), outcome: try row["outcome"].decode(String.self),
            subject: try row["subject"].decode(String?.self), address: try row["address"].decode(String?.self),
            detail: try row["detail"].decode(String.self), previousHash: try row["previous_hash"].decode(String.self),
            hash: try row["hash"].decode(String.self)
        )
    }
}
