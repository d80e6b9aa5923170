import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// Commits a batch: the nonce, every new version, and one `ingest.batch` audit entry, in one
    /// durable transaction. Returns one result per item, in the batch's order.
    ///
    /// Per record: a new (dataset, key) becomes version 1 owned by the sender; the same content
    /// as the latest version is a duplicate and stores nothing; a key first sent by another
    /// platform is rejected (一数一源). Throws ``StoreError/Code/nonceReused`` and stores nothing
    /// when the nonce was already used.
    public func commitIngest(_ commit: IngestCommit, receivedAt: Date = Date()) async throws -> [RecordResult] {
        try await health.track(provesRoom: true) {
            try await pool.write { db in try HubStore.commit(commit, receivedAt: receivedAt, in: db) }
        }
    }

    /// Commits many batches in one transaction, as ``commitIngest(_:receivedAt:)`` commits each:
    /// for filling large stores quickly (`shuniu-bench`), not for platforms' pushes.
    package func commitIngest(batches: [IngestCommit], receivedAt: Date) async throws {
        try await pool.write { db in
            for commit in batches { _ = try HubStore.commit(commit, receivedAt: receivedAt, in: db) }
        }
    }

    /// One batch inside the caller's transaction.
    private static func commit(_ commit: IngestCommit, receivedAt: Date, in db: Database) throws -> [RecordResult] {
        do {
            try db.execute(
                sql: "INSERT INTO request_nonce (app_key, nonce, seen_at) VALUES (?, ?, ?)",
                arguments: [commit.appKey, commit.nonce, receivedAt.timeIntervalSince1970]
            )
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError(.nonceReused, "nonce \(commit.nonce) was already used", cause: error)
        }
        var payloadID: Int64?
        if let payload = commit.payload {
            try db.execute(
                sql: "INSERT INTO raw_payload (platform, received_at, format, sha256, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [commit.platform.rawValue, receivedAt, payload.format, payload.sha256, Data(payload.body)]
            )
            payloadID = db.lastInsertedRowID
        }
        var results: [RecordResult] = []
        results.reserveCapacity(commit.items.count)
        var withdrawals: [(WithdrawnRecord, RecordResult)] = []
        var stored: [Int: StoredFacts] = [:]
        for item in commit.items {
            switch item {
            case .rejected(let index, let dataset, let key, let problems):
                results.append(RecordResult(index: index, dataset: dataset, key: key, status: .rejected, problems: problems))
            case .valid(let index, let record, let destinations, let warnings):
                let (storedResult, facts) = try HubStore.store(record, index: index, from: commit.platform, speakingFor: commit.predecessors, payloadID: payloadID, destinations: destinations,
                                                              flags: warnings, at: receivedAt, in: db)
                var result = storedResult
                stored[index] = facts
                if !warnings.isEmpty { result.warnings = warnings }
                results.append(result)
                if let withdrawn = record.withdraws, result.status == .accepted { withdrawals.append((withdrawn, result)) }
            }
        }
        // After every version is stored, so that an original sent in the same batch is found.
        let followed = try withdrawals.map { withdrawn, result in
            IngestAuditDetail.Withdrawal(
                index: result.index, withdraws: "\(withdrawn.dataset)/\(withdrawn.key)",
                followedTo: try HubStore.recordWithdrawal(withdrawn, by: result, at: receivedAt, in: db)
            )
        }
        try db.execute(sql: "UPDATE platform SET last_ingest_at = ? WHERE id = ?", arguments: [receivedAt, commit.platform.rawValue])
        let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        let detail = JSONText.encode(IngestAuditDetail(
            accepted: counts[.accepted] ?? 0, duplicate: counts[.duplicate] ?? 0, rejected: counts[.rejected] ?? 0,
            records: results.map { IngestAuditDetail.Line($0, digest: stored[$0.index]?.digest, routedTo: stored[$0.index]?.destinations) }, certificate: commit.certificate, pulled: commit.pulled,
            withdrawals: followed.isEmpty ? nil : followed
        ))
        let outcome = (counts[.rejected] ?? 0) == results.count && !results.isEmpty ? "rejected" : "ok"
        try HubStore.appendAudit(
            AuditEvent(actorKind: .platform, actor: commit.platform.rawValue, action: "ingest.batch", outcome: outcome,
                       subject: nil, address: commit.address, detail: detail),
            at: receivedAt, in: db
        )
        return results
    }

    private static func store(
        _ record: ValidatedRecord, index: Int, from platform: PlatformID, speakingFor predecessors: [PlatformID], payloadID: Int64?,
        destinations: [String], flags: [Problem], at instant: Date, in db: Database
    ) throws -> (RecordResult, StoredFacts?) {
        let owners = [platform.rawValue] + predecessors.map(\.rawValue)
        let existing = try StoredRecord.find(record, owners: owners, in: db)
        let key = existing?.key ?? record.businessKey
        let dataKeyHolder = try IngestDecision.dataKeyToCheck(for: record, held: existing).flatMap { dataKey in
            try StoredRecord.find(dataset: record.dataset, dataKey: dataKey, owners: owners, in: db)
        }
        let repeated = try IngestDecision.uniqueValuesToCheck(for: record, held: existing).flatMap { values in
            try String.fetchOne(db.cachedStatement(sql: """
                SELECT business_key FROM record WHERE dataset = ? AND unique_values = ? AND owner_platform = ? AND deleted = 0 LIMIT 1
                """), arguments: [record.dataset.rawValue, values, platform.rawValue])
        }
        let recordID: Int64
        let version: Int
        let operation: RecordOperation
        switch IngestDecision.decide(record, from: platform, owners: owners, held: existing, dataKeyHolder: dataKeyHolder, repeated: repeated) {
        case .answer(let answer):
            return (RecordResult(answer, index: index, record: record, key: key), nil)
        case .tombstone(let held):
            return try storeTombstone(record, of: held, index: index, from: platform, payloadID: payloadID, at: instant, in: db)
        case .update(let held):
            recordID = held.id
            version = held.latestVersion + 1
            operation = .update
            try db.cachedStatement(sql: """
                UPDATE record SET latest_version = ?, latest_hash = ?, region_code = ?, updated_at = ?, unique_values = ?, data_key = COALESCE(data_key, ?)
                WHERE id = ?
                """).execute(arguments: [version, record.contentHash, record.regionCode, instant, record.uniqueValues, record.dataKey, recordID])
            // A new version from the source answers the doubts raised about the fields it changes.
            try closeDisputes(recordID: recordID, correctedBy: version, payload: record.normalizedPayload, platform: platform, at: instant, in: db)
        case .revive(let held):
            recordID = held.id
            version = held.latestVersion + 1
            operation = .insert
            try db.cachedStatement(sql: """
                UPDATE record SET latest_version = ?, latest_hash = ?, region_code = ?, updated_at = ?, unique_values = ?, deleted = 0,
                                  data_key = COALESCE(data_key, ?)
                WHERE id = ?
                """).execute(arguments: [version, record.contentHash, record.regionCode, instant, record.uniqueValues, record.dataKey, recordID])
        case .insert:
            version = 1
            operation = .insert
            try db.cachedStatement(sql: """
                INSERT INTO record (dataset, business_key, owner_platform, latest_version, latest_hash, region_code, created_at, updated_at, data_key, unique_values)
                VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [record.dataset.rawValue, key, platform.rawValue, record.contentHash, record.regionCode, instant, instant,
                                         record.dataKey, record.uniqueValues])
            recordID = db.lastInsertedRowID
        }
        // In the order of `versionDigestColumns`: the audit entry records the digest of these values.
        let values: [(any DatabaseValueConvertible)?] = [
            recordID, version, record.dataset.rawValue, key, platform.rawValue, record.regionCode,
            record.rawPayload, record.normalizedPayload, record.contentHash, record.specVersion, instant,
            payloadID, record.mapping?.sourcePath, record.mapping?.mappingVersion, record.signature,
            flags.isEmpty ? nil : JSONText.encode(flags),
        ]
        // Stored only where the version number does not tell it: a revival is an insert after version 1.
        let stored: RecordOperation? = operation == .insert && version > 1 ? .insert : nil
        let dataKey = existing?.dataKey ?? record.dataKey
        let later: [(any DatabaseValueConvertible)?] = [record.extraPayload, dataKey, stored?.rawValue]
        let versionID = try insertVersion(values, later: later, in: db)
        if let subject = record.listedSubject {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO subject_listing (code, record_id) VALUES (?, ?)").execute(arguments: [subject, recordID])
        }
        // The transactional outbox: the delivery rows commit with the version, or neither does.
        for destination in destinations {
            try enqueue(versionID: versionID, recordID: recordID, destination: destination, at: instant, in: db)
        }
        let facts = StoredFacts(digest: versionDigest(values.map { $0?.databaseValue ?? .null }, later: later.map { $0?.databaseValue ?? .null }),
                                destinations: destinations)
        return (RecordResult(index: index, dataset: record.dataset, key: key, status: .accepted, hubId: recordID, version: version), facts)
    }

    /// A delete: a new version of the record marked `delete`, carrying its last content, sent
    /// wherever any version of it went. Nothing is erased; the record reads as deleted.
    private static func storeTombstone(
        _ record: ValidatedRecord, of existing: HeldRecord, index: Int, from platform: PlatformID, payloadID: Int64?, at instant: Date, in db: Database
    ) throws -> (RecordResult, StoredFacts?) {
        let last = try Row.fetchOne(db, sql: "SELECT normalized_payload, extra FROM record_version WHERE record_id = ? AND version = ?",
                                    arguments: [existing.id, existing.latestVersion])
        let content: String = last?["normalized_payload"] ?? "{}"
        let extra: String? = last?["extra"]
        let version = existing.latestVersion + 1
        try db.execute(sql: "UPDATE record SET latest_version = ?, deleted = 1, updated_at = ? WHERE id = ?", arguments: [version, instant, existing.id])
        let values: [(any DatabaseValueConvertible)?] = [
            existing.id, version, record.dataset.rawValue, existing.key, platform.rawValue, existing.regionCode,
            record.rawPayload, content, existing.latestHash, record.specVersion, instant,
            payloadID, record.mapping?.sourcePath, record.mapping?.mappingVersion, nil, nil,
        ]
        let dataKey = existing.dataKey ?? record.dataKey
        let later: [(any DatabaseValueConvertible)?] = [extra, dataKey, RecordOperation.delete.rawValue]
        let versionID = try insertVersion(values, later: later, in: db)
        // Whoever received the record is told it is deleted; a destination that never had it is not.
        let destinations = try String.fetchAll(db, sql: "SELECT DISTINCT destination FROM delivery WHERE record_id = ? ORDER BY destination", arguments: [existing.id])
        for destination in destinations {
            try enqueue(versionID: versionID, recordID: existing.id, destination: destination, at: instant, in: db)
        }
        let facts = StoredFacts(digest: versionDigest(values.map { $0?.databaseValue ?? .null }, later: later.map { $0?.databaseValue ?? .null }),
                                destinations: destinations)
        return (RecordResult(index: index, dataset: record.dataset, key: existing.key, status: .accepted, hubId: existing.id, version: version), facts)
    }

    /// Inserts a version row: `values` in the order of `versionDigestColumns`, then `later` in the
    /// order of `versionDigestLaterColumns`: its unknown fields, its DATA_KEY and its operation
    /// (nil where the version number tells it: an insert as version 1, an update after).
    private static func insertVersion(_ values: [(any DatabaseValueConvertible)?], later: [(any DatabaseValueConvertible)?], in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO record_version (record_id, version, dataset, business_key, source_platform, region_code,
                                        raw_payload, normalized_payload, content_hash, spec_version, received_at,
                                        payload_id, source_path, mapping_version, signature, flags, extra, data_key, operation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: StatementArguments(values + later))
        return db.lastInsertedRowID
    }

    /// What the audit entry records of a stored version beyond its result.
    struct StoredFacts {
        /// ``versionDigest(_:)`` of the stored values.
        var digest: String
        /// The destinations it was enqueued for.
        var destinations: [String]
    }

    /// True when `nonce` was used by `appKey` at or after `since`.
    public func isNonceUsed(appKey: String, nonce: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM request_nonce WHERE app_key = ? AND nonce = ?", arguments: [appKey, nonce]) ?? false
        }
    }

    /// Forgets nonces seen before `cutoff`: outside the replay window they are refused by time anyway.
    @discardableResult
    public func pruneNonces(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM request_nonce WHERE seen_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
