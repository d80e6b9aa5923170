import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// Writes one ingest batch inside its transaction (nonce claimed), deciding each record as every
/// engine does (``IngestDecision``: 一数一源 through predecessors, duplicates, inserts, updates,
/// deletes and revivals, DATA_KEYs, duplicate-check values), then storing withdrawals, listings,
/// disputes closed by a correction, the outbox rows, and one `ingest.batch` audit entry whose
/// lines carry each stored version's digest (``VersionDigest``).
///
/// The work under the ingest lock is a fixed number of round trips, not a few per record: the
/// records the batch may name are read in one statement (``IngestBatchRecords``), ids for its
/// records and versions drawn in one more, every record decided in memory, and what it decided
/// written kind by kind in multi-row statements (``IngestBatchWrites``). Deletes, withdrawals and
/// corrections of disputed fields still read what they need one by one: they are the rare cases.
struct PostgresIngestWriter {
    let connection: PostgresConnection
    let logger: Logger
    let commit: IngestCommit
    let instant: Date
    private let owners: [String]
    private var records = IngestBatchRecords()
    private var writes: IngestBatchWrites
    /// Ids drawn for the records and versions this batch may make, used in order.
    private var recordIDs: ArraySlice<Int64> = []
    private var versionIDs: ArraySlice<Int64> = []
    private var openDisputes: [Int64: [(id: Int64, field: String)]] = [:]

    init(connection: PostgresConnection, logger: Logger, commit: IngestCommit, instant: Date) {
        self.connection = connection
        self.logger = logger
        self.commit = commit
        // Whole milliseconds, as SQLite keeps dates: the digest covers `received_at` as that text.
        self.instant = StoredValue.wholeMilliseconds(instant)
        self.owners = [commit.platform.rawValue] + commit.predecessors.map(\.rawValue)
        self.writes = IngestBatchWrites(platform: commit.platform, instant: self.instant, payloadID: nil)
    }

    mutating func write() async throws -> [RecordResult] {
        if let payload = commit.payload {
            // The batch's own row, written before the lock: nothing else reads it.
            let payloadID = try await connection.rows("""
                INSERT INTO raw_payload (platform, received_at, format, sha256, body)
                VALUES (\(commit.platform.rawValue), \(instant), \(payload.format), \(payload.sha256), \(ByteBuffer(bytes: payload.body)))
                RETURNING id
                """, logger: logger).first.map { try $0["id"].decode(Int64.self) }
            writes = IngestBatchWrites(platform: commit.platform, instant: instant, payloadID: payloadID)
        }
        // Serialises committed batches (PostgresStore+IngestLedger.swift): every read below sees every earlier batch.
        try await connection.run("SELECT pg_advisory_xact_lock(\(PostgresStore.ingestLock))", logger: logger)
        try await prepare()

        var results: [RecordResult] = []
        var stored: [Int: StoredFacts] = [:]
        var withdrawals: [(WithdrawnRecord, RecordResult, versionID: Int64)] = []
        for item in commit.items {
            switch item {
            case .rejected(let index, let dataset, let key, let problems):
                results.append(RecordResult(index: index, dataset: dataset, key: key, status: .rejected, problems: problems))
            case .valid(let index, let record, let destinations, let warnings):
                var (result, facts) = try await store(record, index: index, destinations: destinations, flags: warnings)
                stored[index] = facts
                if !warnings.isEmpty { result.warnings = warnings }
                results.append(result)
                if let withdrawn = record.withdraws, result.status == .accepted, let facts { withdrawals.append((withdrawn, result, facts.versionID)) }
            }
        }
        try await writes.flush(records, on: connection, logger: logger)
        // After every version is stored, so that an original sent in the same batch is found.
        var followed: [IngestAuditDetail.Withdrawal] = []
        var followers: [PostgresOutbox.Delivery] = []
        for (withdrawn, result, versionID) in withdrawals {
            let destinations = try await withdraw(withdrawn, by: result, versionID: versionID)
            followers += destinations.map { PostgresOutbox.Delivery(destination: $0, versionID: versionID, recordID: result.hubId ?? 0) }
            followed.append(.init(index: result.index, withdraws: "\(withdrawn.dataset)/\(withdrawn.key)", followedTo: destinations))
        }
        try await PostgresOutbox.enqueue(followers, at: instant, on: connection, logger: logger)
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
        var versionID: Int64
        /// ``VersionDigest`` of the stored values.
        var digest: String
        /// The destinations it was enqueued for.
        var destinations: [String]
    }

    /// Reads what the batch's records name, the open disputes on them, and draws the ids the batch may use.
    private mutating func prepare() async throws {
        let valid = commit.items.compactMap { item -> ValidatedRecord? in
            if case .valid(_, let record, _, _) = item { return record }
            return nil
        }
        guard !valid.isEmpty else { return }
        records = try await IngestBatchRecords.read(for: valid, platform: commit.platform, owners: owners, on: connection, logger: logger)
        if !records.entries.isEmpty {
            for row in try await connection.rows(
                "SELECT id, record_id, field FROM dispute WHERE status = 'open' AND record_id = ANY(\(Array(records.entries.keys))) ORDER BY id",
                logger: logger
            ) {
                openDisputes[try row["record_id"].decode(Int64.self), default: []].append((try row["id"].decode(Int64.self), try row["field"].decode(String.self)))
            }
        }
        // At most one new record per record found nothing for, and one version per record; an id
        // left unused is a gap, as a rolled-back batch leaves.
        let mayMake = valid.filter { $0.operation != .update && $0.operation != .delete && records.find($0, owners: owners) == nil }.count
        let drawn = try await connection.rows("""
            SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('record', 'id')) FROM generate_series(1, \(mayMake))) AS records,
                   ARRAY(SELECT nextval(pg_get_serial_sequence('record_version', 'id')) FROM generate_series(1, \(valid.count))) AS versions
            """, logger: logger)[0]
        recordIDs = try drawn["records"].decode([Int64].self).sorted()[...]
        versionIDs = try drawn["versions"].decode([Int64].self).sorted()[...]
    }

    /// One record: its result, and what the audit entry records of the version stored (nil when none was).
    private mutating func store(_ record: ValidatedRecord, index: Int, destinations: [String], flags: [Problem]) async throws -> (RecordResult, StoredFacts?) {
        let platform = commit.platform
        let existing = records.find(record, owners: owners)
        let key = existing?.key ?? record.businessKey
        let dataKeyHolder = IngestDecision.dataKeyToCheck(for: record, held: existing).flatMap {
            records.holder(of: $0, in: record.dataset, owners: owners)
        }
        let repeated = IngestDecision.uniqueValuesToCheck(for: record, held: existing).flatMap {
            records.repeating($0, in: record.dataset, platform: platform)
        }
        let recordID: Int64
        let operation: RecordOperation
        switch IngestDecision.decide(record, from: platform, owners: owners, held: existing, dataKeyHolder: dataKeyHolder, repeated: repeated) {
        case .answer(let answer):
            return (RecordResult(answer, index: index, record: record, key: key), nil)
        case .tombstone(let held):
            return try await storeTombstone(record, of: held, index: index)
        case .update(let held):
            recordID = held.id
            operation = .update
            // A new version from the source answers the doubts raised about the fields it changes.
            if let open = openDisputes[held.id], !open.isEmpty {
                let previous = try await latestContent(of: held)
                try await closeDisputes(open, of: held.id, correctedBy: held.latestVersion + 1, before: previous.normalized, after: record.normalizedPayload)
            }
            records.storeVersion(of: held.id, from: record)
        case .revive(let held):
            recordID = held.id
            operation = .insert
            records.storeVersion(of: held.id, from: record)
        case .insert:
            recordID = recordIDs.removeFirst()
            operation = .insert
            records.make(record, id: recordID, owner: platform)
        }
        let version = records.entry(recordID)?.held.latestVersion ?? 1
        let versionID = versionIDs.removeFirst()
        let digest = writes.add(IngestBatchWrites.Version(
            id: versionID, recordID: recordID, version: version, dataset: record.dataset, key: key, regionCode: record.regionCode,
            rawPayload: record.rawPayload, normalizedPayload: record.normalizedPayload, contentHash: record.contentHash,
            specVersion: record.specVersion, mapping: record.mapping, signature: record.signature, flags: flags.isEmpty ? nil : JSONText.encode(flags),
            extra: record.extraPayload, dataKey: existing?.dataKey ?? record.dataKey,
            // Stored only where the version number does not tell it: a revival is an insert after version 1.
            operation: operation == .insert && version > 1 ? .insert : nil
        ))
        if let subject = record.listedSubject { writes.list(subject, recordID: recordID) }
        writes.enqueue(versionID: versionID, recordID: recordID, for: destinations)
        return (RecordResult(index: index, dataset: record.dataset, key: key, status: .accepted, hubId: recordID, version: version),
                StoredFacts(versionID: versionID, digest: digest, destinations: destinations))
    }

    /// A delete: a new version marked `delete` carrying the record's last content, sent wherever
    /// any version of it went.
    private mutating func storeTombstone(_ record: ValidatedRecord, of existing: HeldRecord, index: Int) async throws -> (RecordResult, StoredFacts?) {
        let content = try await latestContent(of: existing)
        records.delete(existing.id, content: content)
        let version = existing.latestVersion + 1
        let versionID = versionIDs.removeFirst()
        let digest = writes.add(IngestBatchWrites.Version(
            id: versionID, recordID: existing.id, version: version, dataset: record.dataset, key: existing.key, regionCode: existing.regionCode,
            rawPayload: record.rawPayload, normalizedPayload: content.normalized, contentHash: existing.latestHash, specVersion: record.specVersion,
            mapping: record.mapping, signature: nil, flags: nil, extra: content.extra, dataKey: existing.dataKey ?? record.dataKey, operation: .delete
        ))
        let stored = try await connection.rows(
            "SELECT DISTINCT destination FROM delivery WHERE record_id = \(existing.id)", logger: logger
        ).map { try $0["destination"].decode(String.self) }
        let destinations = Set(stored).union(writes.destinations(of: existing.id)).sorted()
        writes.enqueue(versionID: versionID, recordID: existing.id, for: destinations)
        return (RecordResult(index: index, dataset: record.dataset, key: existing.key, status: .accepted, hubId: existing.id, version: version),
                StoredFacts(versionID: versionID, digest: digest, destinations: destinations))
    }

    /// The content of the record's latest version: as this batch wrote it, or as stored.
    private func latestContent(of held: HeldRecord) async throws -> IngestBatchRecords.Content {
        if let written = records.entry(held.id)?.written { return written }
        let last = try await connection.rows("""
            SELECT normalized_payload, extra FROM record_version WHERE record_id = \(held.id) AND version = \(held.latestVersion)
            """, logger: logger).first
        return IngestBatchRecords.Content(normalized: try last?["normalized_payload"].decode(String.self) ?? "{}", extra: try last?["extra"].decode(String?.self))
    }

    /// Marks the original withdrawn by the accepted version `result` (stored as `versionID`), and
    /// gives the destinations in `mayFollowTo` that received the original or have it on the way.
    private func withdraw(_ withdrawn: WithdrawnRecord, by result: RecordResult, versionID: Int64) async throws -> [String] {
        guard result.hubId != nil, let originalID = try await connection.rows(
            "SELECT id FROM record WHERE dataset = \(withdrawn.dataset.rawValue) AND business_key = \(withdrawn.key)", logger: logger
        ).first.map({ try $0["id"].decode(Int64.self) })
        else { return [] }
        try await connection.run("""
            INSERT INTO record_withdrawal (record_id, withdrawal_version_id, withdrawn_at) VALUES (\(originalID), \(versionID), \(instant))
            """, logger: logger)
        guard !withdrawn.mayFollowTo.isEmpty else { return [] }
        let received = Set(try await connection.rows("""
            SELECT DISTINCT destination FROM delivery WHERE record_id = \(originalID) AND destination = ANY(\(withdrawn.mayFollowTo))
            AND state IN ('pending', 'in_flight', 'retrying', 'delivered')
            """, logger: logger).map { try $0["destination"].decode(String.self) })
        return withdrawn.mayFollowTo.filter(received.contains)
    }

    /// Closes those of the record's `open` disputes whose field version `version` changes (from
    /// `before` to `after`), each audited as `dispute.corrected`.
    private mutating func closeDisputes(
        _ open: [(id: Int64, field: String)], of recordID: Int64, correctedBy version: Int, before: String, after: String
    ) async throws {
        func fields(_ text: String) -> [String: JSONValue] {
            (try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))) ?? [:]
        }
        let (old, new) = (fields(before), fields(after))
        let platform = commit.platform.rawValue
        let corrected = open.filter { old[$0.field] != new[$0.field] }
        for (id, field) in corrected {
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
        openDisputes[recordID] = open.filter { dispute in !corrected.contains { $0.id == dispute.id } }
    }
}
