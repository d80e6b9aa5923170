import Foundation
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// Ingest's port on PostgreSQL: a batch in one transaction, whichever instance commits it.
///
/// Why it holds across instances: the nonce is claimed first by an insert that a concurrent
/// commit of the same nonce waits on and then conflicts with. Then the transaction takes the
/// ingest lock (a transaction advisory lock), so that committed batches are serialised: the
/// lookups of 一数一源, duplicates and DATA_KEYs see every earlier batch, versions are numbered
/// without two instances racing for one record, version ids grow in commit order, and the audit
/// chain has one tail. The lock is held only while the batch is written, as SQLite's one writer is,
/// and the writer (``PostgresIngestWriter``) keeps that short: a fixed number of round trips per batch.
extension PostgresStore: IngestLedger {
    /// The ingest lock's key ("SHUNIU" and 2); the migration lock is 1.
    public static let ingestLock: Int64 = 0x5348_554E_4955_0002

    public func commitIngest(_ commit: IngestCommit, receivedAt: Date) async throws -> [RecordResult] {
        try await write("committing an ingest batch") { [logger] connection in
            let claimed = try await connection.rows("""
                INSERT INTO request_nonce (app_key, nonce, seen_at) VALUES (\(commit.appKey), \(commit.nonce), \(receivedAt))
                ON CONFLICT (app_key, nonce) DO NOTHING RETURNING nonce
                """, logger: logger)
            guard !claimed.isEmpty else { throw StoreError(.nonceReused, "nonce \(commit.nonce) was already used") }
            var writer = PostgresIngestWriter(connection: connection, logger: logger, commit: commit, instant: receivedAt)
            let results = try await writer.write()
            if results.contains(where: { $0.status == .accepted }) { try await notifyCommit(on: connection) }
            return results
        }
    }

    public func latestFields(_ lookups: Set<RecordLookup>) async throws -> [RecordLookup: [LatestFields]] {
        guard !lookups.isEmpty else { return [:] }
        return try await connection("reading records for reference checks") { [logger] connection in
            var found: [RecordLookup: [LatestFields]] = [:]
            for lookup in lookups {
                let key = lookup.keyParts.joined(separator: "|")
                // Keys are joined by "|"; "}" is the next character, so the range holds every longer key.
                let (low, high) = lookup.isWholeKey ? (key, key) : (key + "|", key + "}")
                found[lookup] = try await connection.rows("""
                    SELECT r.business_key, r.owner_platform, v.normalized_payload FROM record r
                    JOIN record_version v ON v.record_id = r.id AND v.version = r.latest_version
                    WHERE r.dataset = \(lookup.dataset.rawValue) AND NOT r.deleted
                      AND (r.business_key = \(key) OR (r.business_key > \(low) AND r.business_key < \(high)))
                    """, logger: logger).map { row in
                    LatestFields(
                        businessKey: try row["business_key"].decode(String.self), platform: try row["owner_platform"].decode(String.self),
                        fields: LatestFields.decode(try row["normalized_payload"].decode(String.self))
                    )
                }
            }
            return found
        }
    }

    public func listings(of codes: Set<String>) async throws -> [String: [SubjectListing]] {
        guard !codes.isEmpty else { return [:] }
        return try await connection("reading subject listings") { [logger] connection in
            var found: [String: [SubjectListing]] = [:]
            for row in try await connection.rows("""
                SELECT s.code, r.id, r.dataset, r.business_key, v.normalized_payload,
                       EXISTS (SELECT 1 FROM record_withdrawal w WHERE w.record_id = r.id) AS withdrawn
                FROM subject_listing s
                JOIN record r ON r.id = s.record_id
                JOIN record_version v ON v.record_id = r.id AND v.version = r.latest_version
                WHERE NOT r.deleted AND s.code = ANY(\(Array(codes)))
                ORDER BY s.code, r.id
                """, logger: logger) {
                found[try row["code"].decode(String.self), default: []].append(SubjectListing(
                    hubId: try row["id"].decode(Int64.self), dataset: DatasetID(try row["dataset"].decode(String.self)),
                    key: try row["business_key"].decode(String.self),
                    fields: LatestFields.decode(try row["normalized_payload"].decode(String.self)), withdrawn: try row["withdrawn"].decode(Bool.self)
                ))
            }
            return found
        }
    }
}
