import Foundation
import GRDB
import ShuniuCore

extension HubStore {
    /// Marks `withdrawn` as withdrawn by the version `result` stored, and sends that version to
    /// each destination of `withdrawn.mayFollowTo` that received the original or has it on the
    /// way: a withdrawal reaches every system that has the original (DATA-SPEC §3.6). Returns
    /// those destinations. Called in the transaction that stores the version; nothing is done
    /// when the original is not stored (the reference rules refuse that beforehand).
    static func recordWithdrawal(_ withdrawn: WithdrawnRecord, by result: RecordResult, at instant: Date, in db: Database) throws -> [String] {
        guard let withdrawalRecord = result.hubId, let version = result.version,
              let versionID = try Int64.fetchOne(db, sql: "SELECT id FROM record_version WHERE record_id = ? AND version = ?",
                                                 arguments: [withdrawalRecord, version]),
              let originalID = try Int64.fetchOne(db, sql: "SELECT id FROM record WHERE dataset = ? AND business_key = ?",
                                                  arguments: [withdrawn.dataset.rawValue, withdrawn.key])
        else { return [] }
        try db.execute(sql: "INSERT INTO record_withdrawal (record_id, withdrawal_version_id, withdrawn_at) VALUES (?, ?, ?)",
                       arguments: [originalID, versionID, instant])
        var followed: [String] = []
        for destination in withdrawn.mayFollowTo {
            // One destination at a time, so that the (destination, record_id) index answers.
            let received = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM delivery WHERE destination = ? AND record_id = ? AND state IN ('pending', 'in_flight', 'retrying', 'delivered') LIMIT 1
                """, arguments: [destination, originalID]) ?? false
            guard received else { continue }
            try enqueue(versionID: versionID, recordID: withdrawalRecord, destination: destination, at: instant, in: db)
            followed.append(destination)
        }
        return followed
    }

    /// The withdrawals of each of `records` (by hub id), oldest first.
    public func withdrawals(records: Set<Int64>) async throws -> [Int64: [Withdrawal]] {
        guard !records.isEmpty else { return [:] }
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT w.record_id, w.withdrawn_at, v.dataset, v.business_key, v.version
                FROM record_withdrawal w JOIN record_version v ON v.id = w.withdrawal_version_id
                WHERE w.record_id IN (\(databaseQuestionMarks(count: records.count))) ORDER BY v.id
                """, arguments: StatementArguments(Array(records)))
            var found: [Int64: [Withdrawal]] = [:]
            for row in rows {
                found[row["record_id"], default: []].append(Withdrawal(
                    dataset: DatasetID(rawValue: row["dataset"]), key: row["business_key"], version: row["version"], at: row["withdrawn_at"]
                ))
            }
            return found
        }
    }
}

extension HubStore {
    /// Deliveries of `dataset`'s withdrawals enqueued before `cutoff` and not delivered yet
    /// (waiting, retrying or dead), per destination.
    public func overdueWithdrawals(dataset: DatasetID, enqueuedBefore cutoff: Date) async throws -> [OverdueWithdrawals] {
        try await pool.read { db in
            // record_withdrawal is small; each of its versions' deliveries through (version_id, destination).
            try Row.fetchAll(db, sql: """
                SELECT d.destination, COUNT(*) AS count, MIN(d.enqueued_at) AS oldest
                FROM record_withdrawal w
                JOIN record_version v ON v.id = w.withdrawal_version_id AND v.dataset = ?
                JOIN delivery d ON d.version_id = w.withdrawal_version_id
                WHERE d.state IN ('pending', 'in_flight', 'retrying', 'dead') AND d.enqueued_at < ?
                GROUP BY d.destination ORDER BY d.destination
                """, arguments: [dataset.rawValue, cutoff.timeIntervalSince1970]
            ).map { row in
                OverdueWithdrawals(destination: row["destination"], count: row["count"], oldestEnqueuedAt: Date(timeIntervalSince1970: row["oldest"]))
            }
        }
    }
}
