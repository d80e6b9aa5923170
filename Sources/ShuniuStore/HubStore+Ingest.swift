import Foundation
import GRDB
import ShuniuCore

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
            records: results.map { IngestAuditDetail.Line($0, stored: stored[$0.index]) }, certificate: commit.certificate, pulled: commit.pulled,
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
        // Cached statements: these four run for every record of every batch.
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, owner_platform, latest_version, latest_hash FROM record WHERE dataset = ? AND business_key = ?"),
            arguments: [record.dataset.rawValue, record.businessKey]
        )
        let recordID: Int64
        let version: Int
        if let existing {
            let owner: String = existing["owner_platform"]
            recordID = existing["id"]
            let latest: Int = existing["latest_version"]
            if owner != platform.rawValue && !predecessors.contains(where: { $0.rawValue == owner }) {
                let problem = Problem(
                    code: .keyOwnedByOtherPlatform, path: "$.records[\(index)]", label: nil,
                    message: "record \(record.dataset) \(record.businessKey) belongs to platform \(owner), its first source (一数一源); only it may send new versions"
                )
                return (RecordResult(index: index, dataset: record.dataset, key: record.businessKey, status: .rejected, problems: [problem]), nil)
            }
            if existing["latest_hash"] == record.contentHash {
                return (RecordResult(index: index, dataset: record.dataset, key: record.businessKey, status: .duplicate, hubId: recordID, version: latest), nil)
            }
            version = latest + 1
            try db.cachedStatement(sql: "UPDATE record SET latest_version = ?, latest_hash = ?, region_code = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [version, record.contentHash, record.regionCode, instant, recordID])
            // A new version from the source answers the doubts raised about the fields it changes.
            try closeDisputes(recordID: recordID, correctedBy: version, payload: record.normalizedPayload, platform: platform, at: instant, in: db)
        } else {
            version = 1
            try db.cachedStatement(sql: """
                INSERT INTO record (dataset, business_key, owner_platform, latest_version, latest_hash, region_code, created_at, updated_at)
                VALUES (?, ?, ?, 1, ?, ?, ?, ?)
                """).execute(arguments: [record.dataset.rawValue, record.businessKey, platform.rawValue, record.contentHash, record.regionCode, instant, instant])
            recordID = db.lastInsertedRowID
        }
        // In the order of `versionDigestColumns`: the audit entry records the digest of these values.
        let values: [(any DatabaseValueConvertible)?] = [
            recordID, version, record.dataset.rawValue, record.businessKey, platform.rawValue, record.regionCode,
            record.rawPayload, record.normalizedPayload, record.contentHash, record.specVersion, instant,
            payloadID, record.mapping?.sourcePath, record.mapping?.mappingVersion, record.signature,
            flags.isEmpty ? nil : JSONText.encode(flags), record.extraPayload,
        ]
        try db.cachedStatement(sql: """
            INSERT INTO record_version (record_id, version, dataset, business_key, source_platform, region_code,
                                        raw_payload, normalized_payload, content_hash, spec_version, received_at,
                                        payload_id, source_path, mapping_version, signature, flags, extra)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: StatementArguments(values))
        // The transactional outbox: the delivery rows commit with the version, or neither does.
        let versionID = db.lastInsertedRowID
        if let subject = record.listedSubject {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO subject_listing (code, record_id) VALUES (?, ?)").execute(arguments: [subject, recordID])
        }
        for destination in destinations {
            try enqueue(versionID: versionID, recordID: recordID, destination: destination, at: instant, in: db)
        }
        let facts = StoredFacts(digest: versionDigest(values.map { $0?.databaseValue ?? .null }), destinations: destinations)
        return (RecordResult(index: index, dataset: record.dataset, key: record.businessKey, status: .accepted, hubId: recordID, version: version), facts)
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

/// The `detail` of an `ingest.batch` audit entry: counts and one line per record.
struct IngestAuditDetail: Encodable {
    struct Line: Encodable {
        var index: Int
        var dataset: String?
        var key: String?
        var status: String
        var version: Int?
        var problems: [String]?
        var warnings: [String]?
        /// For a stored version: the digest of its stored values, and where it was routed.
        var digest: String?
        var to: [String]?

        init(_ result: RecordResult, stored: HubStore.StoredFacts? = nil) {
            index = result.index
            dataset = result.dataset?.rawValue
            key = result.key
            status = result.status.rawValue
            version = result.version
            problems = result.problems.map { $0.map { "\($0.code.rawValue) \($0.path)" } }
            warnings = result.warnings.map { $0.map { "\($0.code.rawValue) \($0.path)" } }
            digest = stored?.digest
            to = stored.flatMap { $0.destinations.isEmpty ? nil : $0.destinations }
        }
    }

    var accepted: Int
    var duplicate: Int
    var rejected: Int
    var records: [Line]
    /// The signing certificate's fingerprint; absent for HMAC-signed batches.
    var certificate: String?
    /// The connector and URL of a pulled batch; absent for pushed ones.
    var pulled: PullProvenance?
    /// The records this batch withdrew, and the destinations each withdrawal followed its
    /// original to beyond its own routes; absent when none.
    var withdrawals: [Withdrawal]?

    struct Withdrawal: Encodable {
        var index: Int
        /// `dataset/key` of the original.
        var withdraws: String
        var followedTo: [String]
    }
}
