import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Testing

/// The audit chain on PostgreSQL: keyed as on SQLite, and verified against what an attacker with
/// access to the database can change behind the hub's back.
@Suite("PostgreSQL: the audit chain keyed and verified", .postgresCluster)
struct PostgresAuditTests {
    private func withStore(_ body: (PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        try await PostgresTestDatabase.withStore(body)
    }

    /// One batch of `keys` (each's content its key), routed to `up`, stored at `instant`.
    private func commit(_ keys: [String], into ledger: any IngestLedger, appKey: String, at instant: Date = Date()) async throws {
        let items: [IngestCommit.Item] = keys.enumerated().map { index, key in
            let normalized = #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"\#(key) name"}"#
            return .valid(index: index, record: ValidatedRecord(
                dataset: "500", businessKey: key, regionCode: "420100", rawPayload: #"{"raw":"\#(key)"}"#, normalizedPayload: normalized,
                contentHash: DigestAlgorithm.sha256.hexHash(Array(normalized.utf8)), specVersion: "audit"
            ), destinations: ["up"])
        }
        let results = try await ledger.commitIngest(IngestCommit(
            platform: Fixtures.platformID, appKey: appKey, nonce: UUID().uuidString, address: "127.0.0.1", items: items
        ), receivedAt: instant)
        #expect(results.allSatisfy { $0.status == .accepted })
    }

    @Test("A version's raw payload changed by SQL afterwards (its content hash still matching) is version.altered, by its digest; a routed delivery removed is delivery.missing")
    func versionAltered() async throws {
        try await withStore { store, database in
            try await commit(["K1", "K2"], into: store, appKey: PostgresTestDatabase.appKey)
            let clean = try await store.verifyAudit()
            #expect(clean.intact, "\(clean.damage)")
            #expect(clean.versions == 2)
            _ = try await database.cluster.psql(database.url, """
                ALTER TABLE record_version DISABLE TRIGGER record_version_no_change;
                UPDATE record_version SET raw_payload = '{"raw":"forged"}' WHERE business_key = 'K2';
                ALTER TABLE delivery DISABLE TRIGGER delivery_no_delete;
                DELETE FROM delivery WHERE record_id = (SELECT id FROM record WHERE business_key = 'K1');
                """)
            let report = try await store.verifyAudit()
            #expect(report.damage(.versionAltered)?.examples == ["500/K2|v1"])
            #expect(report.damage(.deliveryMissing)?.examples == ["500/K1|v1 to up"])
            #expect(report.damage.map(\.kind) == [.deliveryMissing, .versionAltered])
        }
    }

    @Test("A record's owner changed, a version slipped in without an entry, and a delivery moved to another record's version are each seen")
    func recordsAndDeliveries() async throws {
        try await withStore { store, database in
            try await commit(["K1", "K2"], into: store, appKey: PostgresTestDatabase.appKey)
            _ = try await database.cluster.psql(database.url, """
                UPDATE record SET owner_platform = '\(Fixtures.otherPlatformID.rawValue)' WHERE business_key = 'K1';
                INSERT INTO record_version (record_id, version, dataset, business_key, source_platform, raw_payload, normalized_payload,
                                            content_hash, spec_version, received_at)
                    SELECT record_id, 2, dataset, business_key, source_platform, raw_payload, normalized_payload, content_hash, spec_version, received_at
                    FROM record_version WHERE business_key = 'K2';
                UPDATE delivery SET version_id = (SELECT id FROM record_version WHERE business_key = 'K2' AND version = 1)
                    WHERE record_id = (SELECT id FROM record WHERE business_key = 'K1');
                """)
            let report = try await store.verifyAudit()
            #expect(report.damage.map(\.kind) == [.deliveryMissing, .versionUnaudited, .recordOwnerChanged, .recordLatestChanged, .deliveryOrphaned])
            #expect(report.damage(.versionUnaudited)?.examples == ["500/K2|v2"])
            #expect(report.damage(.recordOwnerChanged)?.examples == ["500/K1: owner \(Fixtures.otherPlatformID), first version from \(Fixtures.platformID)"])
            #expect(report.damage(.recordLatestChanged)?.examples == ["500/K2: latest v1, newest stored v2"])
            #expect(report.damage(.deliveryOrphaned)?.count == 1)
            #expect(report.versions == 3 && report.records == 2 && report.deliveries == 2)
        }
    }

    @Test("An entry's detail changed by SQL, its immutability trigger dropped first, is chain.broken from that entry")
    func entryEdited() async throws {
        try await withStore { store, database in
            for n in 1...3 {
                try await store.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.note", detail: #"{"n":\#(n)}"#), at: Date())
            }
            let second = try await store.auditEntries(limit: 10, action: "test.note", since: nil, actor: nil).sorted { $0.id < $1.id }[1]
            #expect(try await store.verifyAudit().intact)
            _ = try await database.cluster.psql(database.url, """
                DROP TRIGGER audit_entry_no_change ON audit_entry;
                UPDATE audit_entry SET detail = '{"n":20}' WHERE id = \(second.id);
                """)
            let report = try await store.verifyAudit()
            #expect(report.damage(.chainBroken)?.examples == ["entry \(second.id)"])
            #expect(report.firstBrokenID == second.id)
            #expect(!report.intact)
        }
    }

    @Test("A second store opened with another key file, or none, has an audit key problem and cannot append; the chain stays keyed by the first")
    func anotherKey() async throws {
        try await withStore { store, database in
            try await store.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.note", detail: "{}"), at: Date())
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            // No key file at all: the key is missing.
            let keyless = try await PostgresStore.open(
                PostgresStoreConfiguration(url: database.url + "?sslmode=disable"), instance: "keyless", auditKeyFile: folder.file("none.key"),
                logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
            )
            let missing = keyless.auditKeyProblem
            await #expect(throws: StoreError.self) {
                try await keyless.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.intruder", detail: "{}"), at: Date())
            }
            let seenByKeyless = try await keyless.verifyAudit()
            await keyless.shutDown()
            #expect(missing?.contains("there is no key file at \(folder.file("none.key"))") == true, "\(missing ?? "no problem")")
            #expect(seenByKeyless.damage(.keyMissing) != nil)
            #expect(!FileManager.default.fileExists(atPath: folder.file("none.key")))

            // Another key.
            _ = try AuditKey.create(path: folder.file("audit.key"))
            let other = try await PostgresStore.open(
                PostgresStoreConfiguration(url: database.url + "?sslmode=disable"), instance: "other", auditKeyFile: folder.file("audit.key"),
                logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
            )
            let problem = other.auditKeyProblem
            await #expect(throws: StoreError.self) {
                try await other.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.intruder", detail: "{}"), at: Date())
            }
            await #expect(throws: StoreError.self) { try await other.auditCheckpoint(event: "interval", at: Date()) }
            let seenByOther = try await other.verifyAudit()
            await other.shutDown()
            #expect(problem?.contains("is not the key the audit chain is keyed with") == true, "\(problem ?? "no problem")")
            #expect(store.auditKeyProblem == nil)
            #expect(try await store.auditEntries(limit: 10, action: "test.intruder", since: nil, actor: nil).isEmpty)
            #expect(seenByOther.damage(.keyMismatch) != nil)
            #expect(try await store.verifyAudit().intact)
            #expect(try await database.cluster.psql(database.url, "SELECT COUNT(*) FROM audit_chain_key") == "1")
        }
    }

    @Test("Four stores keying an unkeyed database at once key it once, all with the shared key file's key")
    func keyOnce() async throws {
        let database = try await PostgresTestDatabase.make()
        // A migrated database whose chain is not keyed yet (a store from before keying, copied
        // here): the stores below race to key it, not to migrate it.
        try await database.open().shutDown()
        _ = try await database.cluster.psql(database.url, """
            DROP TRIGGER audit_chain_key_no_change ON audit_chain_key;
            DELETE FROM audit_chain_key;
            """)
        try FileManager.default.removeItem(atPath: database.auditKeyFile)
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for index in 1...4 {
                group.addTask {
                    try await PostgresStore.open(
                        PostgresStoreConfiguration(url: database.url + "?sslmode=disable"), instance: "k\(index)", auditKeyFile: database.auditKeyFile,
                        logger: PostgresTestDatabase.logger, openTimeout: PostgresTestDatabase.openTimeout
                    )
                }
            }
            var opened: [PostgresStore] = []
            for try await store in group { opened.append(store) }
            return opened
        }
        defer { for store in stores { store.close() } }
        for (index, store) in stores.enumerated() {
            #expect(store.auditKeyProblem == nil)
            try await store.appendAudit(AuditEvent(actorKind: .operator, actor: "k\(index)", action: "test.note", detail: "{}"), at: Date())
        }
        #expect(try await database.cluster.psql(database.url, "SELECT COUNT(*) FROM audit_chain_key") == "1")
        let report = try await stores[1].verifyAudit()
        #expect(report.intact, "\(report.damage)")
        #expect(report.keyedFrom == 1)
        #expect(report.keyId == (try AuditKey.load(path: database.auditKeyFile))?.id)
    }

    @Test("An instant kept to the millisecond and read back as PostgreSQL's microseconds gives the text it was written as")
    func timeText() {
        for seconds in [1_800_000_000.123, 1_764_990_000.1229999, 1_764_990_000.9995, 1_700_000_000.001, 86_400.999] {
            let stored = StoredValue.wholeMilliseconds(Date(timeIntervalSince1970: seconds))
            // postgres-nio sends microseconds since 2000, truncated.
            let sinceEpoch2000 = stored.timeIntervalSince1970 - 946_684_800
            let readBack = Date(timeIntervalSince1970: 946_684_800 + Double(Int64(sinceEpoch2000 * 1_000_000)) / 1_000_000)
            #expect(StoredValue.time(readBack) == StoredValue.time(stored), "\(seconds)")
        }
        #expect(StoredValue.time(Date(timeIntervalSince1970: 1_800_000_000.25)) == .text("2027-01-15 08:00:00.250"))
    }

    @Test("The same batch stored at the same instant gets the same version digests on SQLite and PostgreSQL")
    func sameDigestOnBothEngines() async throws {
        let instant = Date(timeIntervalSince1970: 1_800_000_000.25)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try HubStore(directory: folder.file("store"))
        defer { try? sqlite.close() }
        let appKey = try await Fixtures.register(in: sqlite).appKey
        try await commit(["K1", "K2"], into: sqlite, appKey: appKey, at: instant)
        try await withStore { store, _ in
            try await commit(["K1", "K2"], into: store, appKey: PostgresTestDatabase.appKey, at: instant)
            func digests(_ trail: any AuditTrail) async throws -> [String] {
                let detail = try #require(try await trail.auditEntries(limit: 1, action: "ingest.batch", since: nil, actor: nil).first).detail
                let lines = try #require(try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any])["records"] as? [[String: Any]]
                return (lines ?? []).compactMap { $0["digest"] as? String }
            }
            let onSQLite = try await digests(sqlite)
            #expect(onSQLite.count == 2)
            #expect(try await digests(store) == onSQLite)
            #expect(try await store.verifyAudit().intact)
        }
    }
}
