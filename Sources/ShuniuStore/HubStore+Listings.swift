import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Every record that ever listed one of `codes`, by code; a deleted record lists no one.
    public func listings(of codes: Set<String>) async throws -> [String: [SubjectListing]] {
        guard !codes.isEmpty else { return [:] }
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.code, r.id, r.dataset, r.business_key, v.normalized_payload,
                       EXISTS (SELECT 1 FROM record_withdrawal w WHERE w.record_id = r.id) AS withdrawn
                FROM subject_listing s
                JOIN record r ON r.id = s.record_id
                JOIN record_version v ON v.record_id = r.id AND v.version = r.latest_version
                WHERE r.deleted = 0 AND s.code IN (\(databaseQuestionMarks(count: codes.count)))
                """, arguments: StatementArguments(Array(codes)))
            var found: [String: [SubjectListing]] = [:]
            for row in rows {
                found[row["code"], default: []].append(SubjectListing(
                    hubId: row["id"], dataset: DatasetID(rawValue: row["dataset"]), key: row["business_key"],
                    fields: LatestFields.decode(row["normalized_payload"]), withdrawn: row["withdrawn"]
                ))
            }
            return found
        }
    }
}
