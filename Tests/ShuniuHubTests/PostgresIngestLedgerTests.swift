import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import ShuniuTrust
import Testing

/// The ingest ledger's rules on PostgreSQL, as the SQLite engine keeps them: versions and
/// duplicates, 一数一源, deletes, withdrawals, listings and disputes closed by a correction.
@Suite("PostgreSQL: the ingest ledger", .postgresCluster)
struct PostgresIngestLedgerTests {
    private func project(_ key: String, _ name: String, operation: RecordOperation? = nil, withdraws: WithdrawnRecord? = nil, listing: String? = nil) -> ValidatedRecord {
        let normalized = #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"\#(name)"}"#
        var record = ValidatedRecord(
            dataset: "500", businessKey: key, regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
            contentHash: ContentHash.of(normalized: normalized, extra: nil), specVersion: "contract", withdraws: withdraws, listedSubject: listing
        )
        record.operation = operation
        return record
    }

    @discardableResult
    private func commit(
        _ records: [ValidatedRecord], to destinations: [String] = ["up"], from platform: PlatformID = Fixtures.platformID,
        predecessors: [PlatformID] = [], into store: PostgresStore
    ) async throws -> [String] {
        var commit = IngestCommit(
            platform: platform, appKey: platform == Fixtures.platformID ? PostgresTestDatabase.appKey : PostgresTestDatabase.otherAppKey,
            nonce: UUID().uuidString, address: "127.0.0.1",
            items: records.enumerated().map { .valid(index: $0.offset, record: $0.element, destinations: destinations) }
        )
        commit.predecessors = predecessors
        return try await store.commitIngest(commit, receivedAt: Date()).map {
            "\($0.key ?? "-") \($0.status.rawValue)\($0.version.map { " v\($0)" } ?? "")\($0.problems.map { " " + $0.map(\.code.rawValue).joined(separator: ",") } ?? "")"
        }
    }

    private func withStore(_ body: (PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        try await PostgresTestDatabase.withStore(body)
    }

    @Test("New versions, duplicates, 一数一源 with successors, and a delete sent where the record went")
    func versionsOwnershipAndDeletes() async throws {
        try await withStore { store, database in
            #expect(try await commit([project("A", "a1"), project("B", "b1")], into: store) == ["A accepted v1", "B accepted v1"])
            #expect(try await commit([project("A", "a1"), project("A", "a2")], into: store) == ["A duplicate v1", "A accepted v2"])
            #expect(try await commit([project("A", "x")], from: Fixtures.otherPlatformID, into: store) == ["A rejected record.key_owned_by_other_platform"])
            #expect(try await commit([project("A", "a3")], to: ["other"], from: Fixtures.otherPlatformID, predecessors: [Fixtures.platformID], into: store)
                    == ["A accepted v3"])
            #expect(try await commit([project("A", "a3", operation: .delete)], to: [], into: store) == ["A accepted v4"])
            #expect(try await commit([project("A", "a3", operation: .delete)], to: [], into: store) == ["A duplicate v4"])
            #expect(try await commit([project("Z", "z", operation: .update)], into: store) == ["Z rejected record.unknown"])

            let versions = try await database.cluster.psql(database.url, """
                SELECT string_agg(version || ':' || coalesce(operation, '-') || ':' || source_platform, ' ' ORDER BY id) FROM record_version WHERE business_key = 'A'
                """)
            #expect(versions == "1:-:E4201000001 2:-:E4201000001 3:-:E4201000002 4:delete:E4201000001")
            // The tombstone goes to every destination that any version went to.
            let deliveries = try await database.cluster.psql(database.url, """
                SELECT string_agg(d.destination || ':v' || v.version, ' ' ORDER BY d.id) FROM delivery d JOIN record_version v ON v.id = d.version_id
                WHERE v.business_key = 'A'
                """)
            #expect(deliveries == "up:v1 up:v2 other:v3 other:v4 up:v4")
            #expect(try await store.latestFields([RecordLookup(dataset: "500", keyParts: ["A"], isWholeKey: true)]).values.flatMap { $0 }.isEmpty)
            let b = try await store.latestFields([RecordLookup(dataset: "500", keyParts: ["B"], isWholeKey: true)])
            #expect(b.values.flatMap { $0 }.map(\.fields) == [["PROJECT_CODE": "B", "PROJECT_NAME": "b1"]])
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'ingest.batch'") == "7")
        }
    }

    @Test("A withdrawal marks its original; a listing names the records that listed a code")
    func withdrawalsAndListings() async throws {
        try await withStore { store, database in
            try await commit([project("A", "a1", listing: "91420100MA4KXXXX0X")], into: store)
            var listed = try await store.listings(of: ["91420100MA4KXXXX0X", "nobody"])
            #expect(listed["91420100MA4KXXXX0X"]?.map(\.key) == ["A"] && listed["91420100MA4KXXXX0X"]?.first?.withdrawn == false)
            #expect(listed["nobody"] == nil)
            try await commit([project("W", "withdraws A", withdraws: WithdrawnRecord(dataset: "500", key: "A", mayFollowTo: ["late"]))], into: store)
            listed = try await store.listings(of: ["91420100MA4KXXXX0X"])
            #expect(listed["91420100MA4KXXXX0X"]?.first?.withdrawn == true)
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM record_withdrawal") == "1")
            // `late` never had A: the withdrawal does not follow it there.
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM delivery WHERE destination = 'late'") == "0")
        }
    }

    @Test("A batch's own earlier records count: a delete goes where the batch sent the record, a withdrawal follows it there; the chain verifies")
    func deliveriesWithinBatch() async throws {
        try await withStore { store, database in
            let items: [(ValidatedRecord, [String])] = [
                (project("A", "a1"), ["up"]),
                (project("B", "b1"), ["up", "other"]),
                (project("B", "b1", operation: .delete), []),
                (project("W", "withdraws A", withdraws: WithdrawnRecord(dataset: "500", key: "A", mayFollowTo: ["up", "other"])), []),
            ]
            let commit = IngestCommit(
                platform: Fixtures.platformID, appKey: PostgresTestDatabase.appKey, nonce: UUID().uuidString, address: "127.0.0.1",
                items: items.enumerated().map { .valid(index: $0.offset, record: $0.element.0, destinations: $0.element.1) }
            )
            let results = try await store.commitIngest(commit, receivedAt: Date())
            #expect(results.map { "\($0.key ?? "-") v\($0.version ?? 0)" } == ["A v1", "B v1", "B v2", "W v1"])
            let deliveries = try await database.cluster.psql(database.url, """
                SELECT string_agg(v.business_key || ':v' || v.version || ':' || d.destination, ' ' ORDER BY d.id)
                FROM delivery d JOIN record_version v ON v.id = d.version_id
                """)
            #expect(deliveries == "A:v1:up B:v1:up B:v1:other B:v2:other B:v2:up W:v1:up")
            let counters = try await database.cluster.psql(database.url, "SELECT destination || ':' || sum(count) FROM queue_counter GROUP BY destination ORDER BY destination")
            #expect(counters == "other:2\nup:4")
            #expect(try await store.verifyAudit().intact)
        }
    }

    @Test("A new version that changes a disputed field closes the dispute as corrected, audited")
    func disputeCorrected() async throws {
        try await withStore { store, database in
            try await commit([project("A", "a1")], into: store)
            _ = try await database.cluster.psql(database.url, """
                INSERT INTO dispute (record_id, dataset, business_key, platform, version, field, reason, raised_by, raised_at, status)
                SELECT id, '500', 'A', 'E4201000001', 1, 'PROJECT_NAME', 'wrong name', 'national-hub', now(), 'open' FROM record WHERE business_key = 'A'
                UNION ALL
                SELECT id, '500', 'A', 'E4201000001', 1, 'PROJECT_CODE', 'wrong code', 'national-hub', now(), 'open' FROM record WHERE business_key = 'A'
                """)
            try await commit([project("A", "a2")], into: store)
            let disputes = try await database.cluster.psql(database.url, """
                SELECT string_agg(field || ':' || status || ':' || coalesce(corrected_version::text, '-'), ' ' ORDER BY id) FROM dispute
                """)
            #expect(disputes == "PROJECT_NAME:corrected:2 PROJECT_CODE:open:-")
            #expect(try await database.cluster.psql(database.url, "SELECT string_agg(action, ' ' ORDER BY id) FROM audit_entry")
                    == "ingest.batch dispute.corrected ingest.batch")
        }
    }
}
