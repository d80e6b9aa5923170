import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// Writes one ingest batch inside its transaction (nonce claimed, ingest lock held), deciding each
/// record as every engine does (``IngestDecision``: 一数一源 through predecessors, duplicates, inserts, updates, deletes and
/// revivals, DATA_KEYs, duplicate-check values), then storing withdrawals, listings, disputes closed by a
/// correction, the outbox rows, and one `ingest.batch` audit entry whose lines carry each stored
/// version's digest (``VersionDigest``) over its values as the SQLite engine stores them.
struct PostgresIngestWriter {
    let connection: PostgresConnection
    let logger: Logger
    let commit: IngestCommit
    let instant: Date
    private var payloadID: Int64?

    init(connection: PostgresConnection, logger: Logger, commit: IngestCommit, instant: Date) {
        self.connection = connection
        self.logger = logger
        self.commit = commit
        // Whole milliseconds, as SQLite keeps dates: the digest covers `received_at` as that text.
        self.instant = StoredValue.wholeMilliseconds(instant)
    }

    mutating func write() async throws -> [RecordResult] {
        if let payload = commit.payload {
            payloadID = try await connection.rows("""
                INSERT INTO raw_payload (platform, received_at, format, sha256, body)
                VALUES (\(commit.platform.rawValue), \(instant), \(payload.format), \(payload.sha256), \(ByteBuffer(bytes: payload.body)))
                RETURNING id
                """, logger: logger).first.map { try $0["id"].decode(Int64.self) }
        }
        var results: [RecordResult] = []
        var stored: [Int: StoredFacts] = [:]
        var withdrawals: [(WithdrawnRecord, RecordResult)] = []
        for item in commit.items {
            switch item {
            case .rejected(let index, let dataset, let key, let problems):
                results.append(RecordResult(index: index, dataset: dataset, key: key, status: .rejected, problems: problems))
            case .valid(let index, let record, let destinations, let warnings):
                var (result, facts) = try await store(record, index: index, destinations: destinations, flags: warnings)
                stored[index] = facts
                if !warnings.isEmpty { result.warnings = warnings }
                results.append(result)
                if let withdrawn = record.withdraws, result.status == .accepted { withdrawals.append((withdrawn, result)) }
            }
        }
        // After every version is stored, so that an original sent in the same batch is found.
        var followed: [IngestAuditDetail.Withdrawal] = []
        for (withdrawn, result) in withdrawals {
            followed.append(.init(index: result.index, withdraws: "\(withdrawn.dataset)/\(withdrawn.key)", followedTo: try await withdraw(withdrawn, by: result)))
        }
        try await connection.run("UPDATE platform SET last_ingest_at = \(instant) WHERE id = \(commit.platform.rawValue)", logger: logger)
        let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        let detail = JSONText.encode(IngestAuditDetail(
            accepted: counts[.accepted] ?? 0, duplicate: counts[.duplicate] ?? 0, rejected: counts[.rejected] ?? 0,
            records: results.map { IngestAuditDetail.Line($0, digest: stored[$0.index]?.digest, routedTo: stored[$0.index]?.destinations) },
            certificate: commit.certificate,
            pulled: commit.pulled, withdrawals: followed.isEmpty ? nil : followed
        ))
        let outcome = (counts[.rejected] ?? 0) == results.count && !results.isEmpty ? "rejected" : "ok"
        try await PostgresAuditChain.append(
            AuditEvent(actorKind: .platform, actor: commit.platform.rawValue, action: "ingest.batch", outcome: outcome, address: commit.address, detail: detail),
            at: instant, on: connection, logger: logger
        )
        return results
    }

    /// What the audit entry records of a stored version beyond its result.
    struct StoredFacts {
        /// ``VersionDigest`` of the stored values.
        var digest: String
        /// The destinations it was enqueued for.
        var destinations: [String]
    }

    /// One record: its result, and what the audit entry records of the version stored (nil when none was).
    private func store(_ record: ValidatedRecord, index: Int, destinations: [String], flags: [Problem]) async throws -> (RecordResult, StoredFacts?) {
        let platform = commit.platform
        let owners = [platform.rawValue] + commit.predecessors.map(\.rawValue)
        let existing = try await find(record, owners: owners)
        let key = existing?.key ?? record.businessKey
        var dataKeyHolder: HeldRecord?
        if let dataKey = IngestDecision.dataKeyToCheck(for: record, held: existing) {
            dataKeyHolder = try await find(dataset: record.dataset, dataKey: dataKey, owners: owners)
        }
        var repeated: String?
        if let values = IngestDecision.uniqueValuesToCheck(for: record, held: existing) {
            repeated = try await connection.rows("""
                SELECT business_key FROM record WHERE dataset = \(record.dataset.rawValue) AND unique_values = \(values)
                AND owner_platform = \(platform.rawValue) AND NOT deleted LIMIT 1
                """, logger: logger).first.map { try $0["business_key"].decode(String.self) }
        }
        let recordID: Int64
        let version: Int
        let operation: RecordOperation
        switch IngestDecision.decide(record, from: platform, owners: owners, held: existing, dataKeyHolder: dataKeyHolder, repeated: repeated) {
        case .answer(let answer):
            return (RecordResult(answer, index: index, record: record, key: key), nil)
        case .tombstone(let held):
            return try await storeTombstone(record, of: held, index: index)
        case .update(let held):
            recordID = held.id
            version = held.latestVersion + 1
            operation = .update
            try await connection.run("""
                UPDATE record SET latest_version = \(version), latest_hash = \(record.contentHash), region_code = \(record.regionCode), updated_at = \(instant),
                    unique_values = \(record.uniqueValues), data_key = COALESCE(data_key, \(record.dataKey))
                WHERE id = \(recordID)
                """, logger: logger)
            // A new version from the source answers the doubts raised about the fields it changes.
            try await closeDisputes(recordID: recordID, correctedBy: version, payload: record.normalizedPayload)
        case .revive(let held):
            recordID = held.id
            version = held.latestVersion + 1
            operation = .insert
            try await connection.run("""
                UPDATE record SET latest_version = \(version), latest_hash = \(record.contentHash), region_code = \(record.regionCode),
                    updated_at = \(instant), unique_values = \(record.uniqueValues), deleted = false, data_key = COALESCE(data_key, \(record.dataKey))
                WHERE id = \(recordID)
                """, logger: logger)
        case .insert:
            version = 1
            operation = .insert
            recordID = try await connection.rows("""
                INSERT INTO record (dataset, business_key, owner_platform, latest_version, latest_hash, region_code, created_at, updated_at, data_key, unique_values)
                VALUES (\(record.dataset.rawValue), \(key), \(platform.rawValue), 1, \(record.contentHash), \(record.regionCode), \(instant), \(instant),
                        \(record.dataKey), \(record.uniqueValues))
                RETURNING id
                """, logger: logger)[0]["id"].decode(Int64.self)
        }
        // Stored only where the version number does not tell it: a revival is an insert after version 1.
        let stored: RecordOperation? = operation == .insert && version > 1 ? .insert : nil
        let (versionID, digest) = try await insertVersion(
            recordID: recordID, version: version, dataset: record.dataset, key: key, regionCode: record.regionCode, rawPayload: record.rawPayload,
            normalizedPayload: record.normalizedPayload, contentHash: record.contentHash, specVersion: record.specVersion,
            mapping: record.mapping, signature: record.signature, flags: flags.isEmpty ? nil : JSONText.encode(flags),
            extra: record.extraPayload, dataKey: existing?.dataKey ?? record.dataKey, operation: stored
        )
        if let subject = record.listedSubject {
            try await connection.run(
                "INSERT INTO subject_listing (code, record_id) VALUES (\(subject), \(recordID)) ON CONFLICT DO NOTHING", logger: logger
            )
        }
        // The transactional outbox: the delivery rows commit with the version, or neither does.
        for destination in destinations {
            try await enqueue(versionID: versionID, recordID: recordID, destination: destination)
        }
        return (RecordResult(index: index, dataset: record.dataset, key: key, status: .accepted, hubId: recordID, version: version),
                StoredFacts(digest: digest, destinations: destinations))
    }

    /// A delete: a new version marked `delete` carrying the record's last content, sent wherever
    /// any version of it went.
    private func storeTombstone(_ record: ValidatedRecord, of existing: HeldRecord, index: Int) async throws -> (RecordResult, StoredFacts?) {
        let last = try await connection.rows("""
            SELECT normalized_payload, extra FROM record_version WHERE record_id = \(existing.id) AND version = \(existing.latestVersion)
            """, logger: logger).first
        let content = try last?["normalized_payload"].decode(String.self) ?? "{}"
        let extra = try last?["extra"].decode(String?.self)
        let version = existing.latestVersion + 1
        try await connection.run(
            "UPDATE record SET latest_version = \(version), deleted = true, updated_at = \(instant) WHERE id = \(existing.id)", logger: logger
        )
        let (versionID, digest) = try await insertVersion(
            recordID: existing.id, version: version, dataset: record.dataset, key: existing.key, regionCode: existing.regionCode,
            rawPayload: record.rawPayload, normalizedPayload: content, contentHash: existing.latestHash, specVersion: record.specVersion,
            mapping: record.mapping, signature: nil, flags: nil, extra: extra, dataKey: existing.dataKey ?? record.dataKey, operation: .delete
        )
        let destinations = try await connection.rows(
            "SELECT DISTINCT destination FROM delivery WHERE record_id = \(existing.id) ORDER BY destination", logger: logger
        ).map { try $0["destination"].decode(String.self) }
        for destination in destinations {
            try await enqueue(versionID: versionID, recordID: existing.id, destination: destination)
        }
        return (RecordResult(index: index, dataset: record.dataset, key: existing.key, status: .accepted, hubId: existing.id, version: version),
                StoredFacts(digest: digest, destinations: destinations))
    }

    private func insertVersion(
        recordID: Int64, version: Int, dataset: DatasetID, key: String, regionCode: String?, rawPayload: String, normalizedPayload: String,
        contentHash: String, specVersion: String, mapping: MappingProvenance?, signature: String?, flags: String?, extra: String?, dataKey: String?,
        operation: RecordOperation?
    ) async throws -> (id: Int64, digest: String) {
        func text(_ value: String?) -> StoredValue { value.map { .text($0) } ?? .null }
        // In the order of `VersionDigest.columns`, each as the SQLite engine stores it.
        let values: [StoredValue] = [
            .integer(recordID), .integer(Int64(version)), .text(dataset.rawValue), .text(key), .text(commit.platform.rawValue), text(regionCode),
            .text(rawPayload), .text(normalizedPayload), .text(contentHash), .text(specVersion), .time(instant),
            payloadID.map { .integer($0) } ?? .null, text(mapping?.sourcePath), text(mapping?.mappingVersion), text(signature), text(flags),
        ]
        let digest = VersionDigest.of(values, later: [text(extra), text(dataKey), text(operation?.rawValue)])
        let id = try await connection.rows("""
            INSERT INTO record_version (record_id, version, dataset, business_key, source_platform, region_code, raw_payload, normalized_payload,
                                        content_hash, spec_version, received_at, payload_id, source_path, mapping_version, signature, flags, extra,
                                        data_key, operation)
            VALUES (\(recordID), \(version), \(dataset.rawValue), \(key), \(commit.platform.rawValue), \(regionCode), \(rawPayload), \(normalizedPayload),
                    \(contentHash), \(specVersion), \(instant), \(payloadID), \(mapping?.sourcePath), \(mapping?.mappingVersion), \(signature), \(flags),
                    \(extra), \(dataKey), \(operation?.rawValue))
            RETURNING id
            """, logger: logger)[0]["id"].decode(Int64.self)
        return (id, digest)
    }

    private func enqueue(versionID: Int64, recordID: Int64, destination: String) async throws {
        try await connection.run("""
            INSERT INTO delivery (destination, version_id, record_id, state, enqueued_at, next_attempt_at)
            VALUES (\(destination), \(versionID), \(recordID), 'pending', \(instant), \(instant))
            """, logger: logger)
    }

    /// Marks the original withdrawn by the accepted version `result`, and sends the withdrawal to
    /// the destinations in `mayFollowTo` that received the original or have it on the way.
    private func withdraw(_ withdrawn: WithdrawnRecord, by result: RecordResult) async throws -> [String] {
        guard let withdrawalRecord = result.hubId, let version = result.version,
              let versionID = try await connection.rows(
                  "SELECT id FROM record_version WHERE record_id = \(withdrawalRecord) AND version = \(version)", logger: logger
              ).first.map({ try $0["id"].decode(Int64.self) }),
              let originalID = try await connection.rows(
                  "SELECT id FROM record WHERE dataset = \(withdrawn.dataset.rawValue) AND business_key = \(withdrawn.key)", logger: logger
              ).first.map({ try $0["id"].decode(Int64.self) })
        else { return [] }
        try await connection.run("""
            INSERT INTO record_withdrawal (record_id, withdrawal_version_id, withdrawn_at) VALUES (\(originalID), \(versionID), \(instant))
            """, logger: logger)
        var followed: [String] = []
        for destination in withdrawn.mayFollowTo {
            let received = try await connection.rows("""
                SELECT 1 FROM delivery WHERE destination = \(destination) AND record_id = \(originalID)
                AND state IN ('pending', 'in_flight', 'retrying', 'delivered') LIMIT 1
                """, logger: logger)
            guard !received.isEmpty else { continue }
            try await enqueue(versionID: versionID, recordID: withdrawalRecord, destination: destination)
            followed.append(destination)
        }
        return followed
    }

    /// Closes the record's open disputes about fields that `payload` (version `version`) changes,
    /// each audited as `dispute.corrected`.
    private func closeDisputes(recordID: Int64, correctedBy version: Int, payload: String) async throws {
        let open = try await connection.rows(
            "SELECT id, field FROM dispute WHERE record_id = \(recordID) AND status = 'open' ORDER BY id", logger: logger
        ).map { (id: try $0["id"].decode(Int64.self), field: try $0["field"].decode(String.self)) }
        guard !open.isEmpty else { return }
        let previous = try await connection.rows(
            "SELECT normalized_payload FROM record_version WHERE record_id = \(recordID) AND version = \(version - 1)", logger: logger
        ).first.map { try $0["normalized_payload"].decode(String.self) }
        func fields(_ text: String?) -> [String: JSONValue] {
            (try? JSONDecoder().decode([String: JSONValue].self, from: Data((text ?? "{}").utf8))) ?? [:]
        }
        let (before, after) = (fields(previous), fields(payload))
        let platform = commit.platform.rawValue
        for (id, field) in open where before[field] != after[field] {
            try await connection.run("""
                UPDATE dispute SET status = 'corrected', resolved_by = \(platform), resolved_at = \(instant),
                    resolution = \("\(field) corrected by version \(version)"), corrected_version = \(version)
                WHERE id = \(id)
                """, logger: logger)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .platform, actor: platform, action: "dispute.corrected", subject: "\(id)",
                           detail: JSONText.object(["dispute": "\(id)", "field": field, "version": "\(version)"])),
                at: instant, on: connection, logger: logger
            )
        }
    }

    // MARK: Finding the record a version belongs to

    private static let recordColumns = "id, business_key, owner_platform, latest_version, latest_hash, data_key, deleted, region_code"

    /// By DATA_KEY when the dataset is identified so (scoped to the sender and its predecessors), else by key.
    private func find(_ record: ValidatedRecord, owners: [String]) async throws -> HeldRecord? {
        if record.identifiedByDataKey, let dataKey = record.dataKey {
            return try await find(dataset: record.dataset, dataKey: dataKey, owners: owners)
        }
        return try await connection.rows("""
            SELECT \(unescaped: Self.recordColumns) FROM record WHERE dataset = \(record.dataset.rawValue) AND business_key = \(record.businessKey)
            """, logger: logger).first.map(Self.held)
    }

    private func find(dataset: DatasetID, dataKey: String, owners: [String]) async throws -> HeldRecord? {
        try await connection.rows("""
            SELECT \(unescaped: Self.recordColumns) FROM record
            WHERE dataset = \(dataset.rawValue) AND data_key = \(dataKey) AND owner_platform = ANY(\(owners)) ORDER BY id LIMIT 1
            """, logger: logger).first.map(Self.held)
    }

    private static func held(_ row: PostgresRandomAccessRow) throws -> HeldRecord {
        HeldRecord(
            id: try row["id"].decode(Int64.self), key: try row["business_key"].decode(String.self), owner: try row["owner_platform"].decode(String.self),
            latestVersion: try row["latest_version"].decode(Int.self), latestHash: try row["latest_hash"].decode(String.self),
            dataKey: try row["data_key"].decode(String?.self), deleted: try row["deleted"].decode(Bool.self),
            regionCode: try row["region_code"].decode(String?.self)
        )
    }
}
