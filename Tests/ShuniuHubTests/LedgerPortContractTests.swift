import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Testing

/// A storage engine under the ledger's contract: the ports ingest and the read side use, on a
/// store where two platforms (`Fixtures.platformID`, `Fixtures.otherPlatformID`) and one consumer
/// (`national-hub`, granted dataset 500) are registered. Registering is the operator's part,
/// not these ports', so each engine does it its own way.
struct LedgerPortEngine: Sendable, CustomTestStringConvertible {
    typealias Ports = IngestLedger & NonceLedger & PlatformDirectory & ConsumerDirectory & AuditLog & FeedSource & ReadLedger & StoreReadiness

    struct Opened: Sendable {
        let ports: any Ports
        /// The app keys of the two platforms, by platform.
        let appKeys: [PlatformID: String]
        let consumer: Consumer
        let close: @Sendable () async -> Void
    }

    let name: String
    let open: @Sendable () async throws -> Opened
    var testDescription: String { name }

    /// Every engine the hub has; each must pass every test of the contract.
    static let all: [LedgerPortEngine] = [.sqlite, .postgres]

    static let sqlite = LedgerPortEngine(name: "SQLite") {
        let folder = try TemporaryDirectory()
        let store = try HubStore(directory: folder.path)
        var appKeys: [PlatformID: String] = [:]
        for platform in [Fixtures.platformID, Fixtures.otherPlatformID] {
            appKeys[platform] = try await Fixtures.register(platform, in: store).appKey
        }
        let now = Date()
        let consumer = Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national-hub", requestsPerMinute: 100, createdAt: now, updatedAt: now)
        try await store.addConsumer(consumer, secret: "consumer-secret", by: "test")
        try await Fixtures.grant("500", in: store)
        return Opened(ports: store, appKeys: appKeys, consumer: consumer) {
            try? store.close()
            folder.remove()
        }
    }

    /// `PostgresStore` on a fresh database of the suite's cluster; the consumer and its grant
    /// registered by SQL, as the platforms are.
    static let postgres = LedgerPortEngine(name: "PostgreSQL") {
        let database = try await PostgresTestDatabase.make()
        let store = try await database.open()
        let now = Date()
        let consumer = Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national-hub", requestsPerMinute: 100, createdAt: now, updatedAt: now)
        do {
            _ = try await database.cluster.psql(database.url, """
                INSERT INTO consumer (id, name, status, app_key, app_secret, requests_per_minute, created_at, updated_at)
                VALUES ('national-hub', '上级平台', 'active', 'ck-national-hub', 'consumer-secret', 100, now(), now());
                INSERT INTO data_grant (consumer, dataset, purpose, personal_data, approved_by, granted_at, expires_at)
                VALUES ('national-hub', '500', '招标投标活动监督', false, 'test', now() - interval '1 hour', now() + interval '24 hours');
                """)
        } catch {
            await store.shutDown()
            throw error
        }
        let appKeys = [Fixtures.platformID: PostgresTestDatabase.appKey, Fixtures.otherPlatformID: PostgresTestDatabase.otherAppKey]
        return Opened(ports: store, appKeys: appKeys, consumer: consumer) { await store.shutDown() }
    }

    func with(_ body: (Opened) async throws -> Void) async throws {
        let opened = try await open()
        do {
            try await body(opened)
        } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }
}

extension LedgerPortEngine.Opened {
    /// A project record (dataset 500) as ingest hands it to the ledger.
    static func project(_ key: String, name: String, region: String = "420100", withdraws: WithdrawnRecord? = nil, listing: String? = nil) -> ValidatedRecord {
        let normalized = #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"\#(name)"}"#
        return ValidatedRecord(
            dataset: "500", businessKey: key, regionCode: region, rawPayload: normalized, normalizedPayload: normalized,
            contentHash: ContentHash.of(normalized: normalized, extra: nil), specVersion: "contract", withdraws: withdraws, listedSubject: listing
        )
    }

    /// A project record (dataset 500) with more fields, an operation, duplicate-check values or a DATA_KEY.
    static func project(
        _ key: String, _ fields: [String: String], operation: RecordOperation? = nil, unique: String? = nil, dataKey: String? = nil,
        withdraws: WithdrawnRecord? = nil
    ) -> ValidatedRecord {
        let all = fields.merging(["PROJECT_CODE": key]) { old, _ in old }
        let normalized = "{" + all.keys.sorted().map { #""\#($0)":"\#(all[$0]!)""# }.joined(separator: ",") + "}"
        var record = ValidatedRecord(
            dataset: "500", businessKey: key, regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
            contentHash: ContentHash.of(normalized: normalized, extra: nil), specVersion: "contract", withdraws: withdraws
        )
        record.operation = operation
        record.uniqueValues = unique
        record.dataKey = dataKey
        return record
    }

    /// Commits `records` as one batch from `platform` with a fresh nonce (or `nonce`).
    @discardableResult
    func commit(
        _ records: [ValidatedRecord], from platform: PlatformID = Fixtures.platformID, predecessors: [PlatformID] = [],
        nonce: String = UUID().uuidString, at instant: Date = Date()
    ) async throws -> [RecordResult] {
        var commit = IngestCommit(
            platform: platform, appKey: appKeys[platform]!, nonce: nonce, address: "127.0.0.1",
            items: records.enumerated().map { .valid(index: $0.offset, record: $0.element, destinations: []) }
        )
        commit.predecessors = predecessors
        return try await ports.commitIngest(commit, receivedAt: instant)
    }
}

/// The behaviour of the ports that ingest and the read side rely on, written against the ports
/// alone so that every engine runs the same tests.
@Suite("Ledger ports: the contract every engine keeps", .postgresCluster)
struct LedgerPortContractTests {
    typealias Opened = LedgerPortEngine.Opened

    private func describe(_ results: [RecordResult]) -> [String] {
        results.map { "\($0.key ?? "-") \($0.status.rawValue) v\($0.version.map(String.init) ?? "-")" }
    }

    @Test("A batch stores new versions; the same content again is a duplicate and stores nothing", arguments: LedgerPortEngine.all)
    func versionsAndDuplicates(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let first = try await store.commit([Opened.project("A", name: "a1"), Opened.project("B", name: "b1")])
            #expect(describe(first) == ["A accepted v1", "B accepted v1"])
            #expect(first[0].hubId != nil && first[0].hubId != first[1].hubId)
            let again = try await store.commit([Opened.project("A", name: "a1"), Opened.project("A", name: "a2")])
            #expect(describe(again) == ["A duplicate v1", "A accepted v2"])
            #expect(again.allSatisfy { $0.hubId == first[0].hubId })

            let versions = try await store.ports.versions(dataset: "500", key: "A")
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.map(\.normalizedPayload) == [Opened.project("A", name: "a1").normalizedPayload, Opened.project("A", name: "a2").normalizedPayload])
            #expect(versions.allSatisfy { $0.sourcePlatform == Fixtures.platformID.rawValue && $0.regionCode == "420100" })
            #expect(versions[0].sequence < versions[1].sequence)
            #expect(try await store.ports.versions(dataset: "500", key: "none").isEmpty)

            let latest = try await store.ports.latestFields([RecordLookup(dataset: "500", keyParts: ["A"], isWholeKey: true)])
            #expect(latest.values.flatMap { $0 }.map(\.fields) == [["PROJECT_CODE": "A", "PROJECT_NAME": "a2"]])
        }
    }

    @Test("Each record of a batch is decided against the ones before it in the same batch, as if each were committed alone", arguments: LedgerPortEngine.all)
    func decidedInOrderWithinBatch(engine: LedgerPortEngine) async throws {
        func outcomes(_ results: [RecordResult]) -> [String] {
            results.map { "\($0.key ?? "-") \($0.status.rawValue)" + ($0.version.map { " v\($0)" } ?? "") + ($0.problems?.map { " " + $0.code.rawValue }.joined() ?? "") }
        }
        try await engine.with { store in
            let first = try await store.commit([
                Opened.project("A", ["PROJECT_NAME": "a1"]),
                Opened.project("A", ["PROJECT_NAME": "a2"]),
                Opened.project("A", ["PROJECT_NAME": "a3"], operation: .insert),
                Opened.project("B", ["PROJECT_NAME": "b1"], unique: "X"),
                Opened.project("C", ["PROJECT_NAME": "c1"], unique: "X"),
                Opened.project("B", [:], operation: .delete),
                Opened.project("C", ["PROJECT_NAME": "c1"], unique: "X"),
                Opened.project("D", ["PROJECT_NAME": "d1"], withdraws: WithdrawnRecord(dataset: "500", key: "A")),
                Opened.project("E", ["PROJECT_NAME": "e1"], dataKey: "K1"),
                Opened.project("F", ["PROJECT_NAME": "f1"], dataKey: "K1"),
                Opened.project("A", ["PROJECT_NAME": "a2"]),
            ])
            #expect(outcomes(first) == [
                "A accepted v1", "A accepted v2", "A rejected record.exists", "B accepted v1", "C rejected record.duplicate_values",
                "B accepted v2", "C accepted v1", "D accepted v1", "E accepted v1", "F rejected record.key_changed", "A duplicate v2",
            ])
            #expect(first[1].hubId == first[0].hubId && first[5].hubId == first[3].hubId)
            // The tombstone repeats the content of the version before it, written earlier in the same batch.
            let b = try await store.ports.versions(dataset: "500", key: "B")
            #expect(b.map { "v\($0.version) \($0.operation.rawValue) \($0.normalizedPayload)" } == [
                #"v1 insert {"PROJECT_CODE":"B","PROJECT_NAME":"b1"}"#, #"v2 delete {"PROJECT_CODE":"B","PROJECT_NAME":"b1"}"#,
            ])
            let a = try #require(first[0].hubId)
            #expect(try await store.ports.withdrawals(records: [a])[a]?.map { "\($0.key) v\($0.version)" } == ["D v1"])
            let sequences = try await store.ports.feedPage(FeedQuery(after: 0, datasets: ["500"], limit: 100)).versions.map(\.sequence)
            #expect(sequences.count == 7 && sequences == sequences.sorted())

            // A disputed field unchanged by two versions in one batch stays disputed; a later change corrects it.
            _ = try await store.ports.openDispute(
                dataset: "500", key: "A", field: "PROJECT_NAME", fieldLabel: "项目名称", reason: "名称与批文不符",
                consumer: store.consumer.id, address: "127.0.0.1", at: Date()
            )
            let second = try await store.commit([
                Opened.project("A", ["PROJECT_NAME": "a2", "BUDGET": "1"]),
                Opened.project("A", ["PROJECT_NAME": "a2", "BUDGET": "2"]),
                Opened.project("B", ["PROJECT_NAME": "b2"], unique: "X"),
                Opened.project("B", ["PROJECT_NAME": "b3"]),
            ])
            // B was deleted: values a live record (C) holds are refused; without them it lives on as v3.
            #expect(outcomes(second) == ["A accepted v3", "A accepted v4", "B rejected record.duplicate_values", "B accepted v3"])
            #expect(try await store.ports.openDisputes(records: [a])[a]?.map(\.field) == ["PROJECT_NAME"])
            try await store.commit([Opened.project("A", ["PROJECT_NAME": "a9", "BUDGET": "2"])])
            #expect(try await store.ports.openDisputes(records: [a]).isEmpty)
        }
    }

    @Test("一数一源: another platform's version of a record is rejected, unless it succeeds the owner", arguments: LedgerPortEngine.all)
    func ownership(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            try await store.commit([Opened.project("A", name: "a1")])
            let foreign = try await store.commit([Opened.project("A", name: "changed")], from: Fixtures.otherPlatformID)
            #expect(foreign.map(\.status) == [.rejected])
            #expect(foreign.first?.problems?.map(\.code) == [.keyOwnedByOtherPlatform])
            #expect(try await store.ports.versions(dataset: "500", key: "A").count == 1)

            let successor = try await store.commit([Opened.project("A", name: "changed")], from: Fixtures.otherPlatformID, predecessors: [Fixtures.platformID])
            #expect(describe(successor) == ["A accepted v2"])
        }
    }

    @Test("A nonce is used once: the second commit stores nothing, even when both race", arguments: LedgerPortEngine.all)
    func nonceOnce(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let appKey = try #require(store.appKeys[Fixtures.platformID])
            #expect(try await store.ports.isNonceUsed(appKey: appKey, nonce: "n-1") == false)
            let outcomes = await withTaskGroup(of: Result<[RecordResult], any Error>.self) { group in
                for key in ["A", "B"] {
                    group.addTask {
                        do { return .success(try await store.commit([Opened.project(key, name: "racing")], nonce: "n-1")) } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
            let refused = outcomes.compactMap { outcome -> StoreError? in
                if case .failure(let error) = outcome { return error as? StoreError }
                return nil
            }
            #expect(refused.map(\.code) == [.nonceReused])
            let stored = try await store.ports.versions(dataset: "500", key: "A").count + store.ports.versions(dataset: "500", key: "B").count
            #expect(stored == 1)
            #expect(try await store.ports.isNonceUsed(appKey: appKey, nonce: "n-1"))
            // Another platform's nonces are its own.
            #expect(try await store.ports.isNonceUsed(appKey: try #require(store.appKeys[Fixtures.otherPlatformID]), nonce: "n-1") == false)

            #expect(try await store.ports.pruneNonces(before: Date().addingTimeInterval(-3600)) == 0)
            #expect(try await store.ports.pruneNonces(before: Date().addingTimeInterval(3600)) == 1)
            #expect(try await store.ports.isNonceUsed(appKey: appKey, nonce: "n-1") == false)
        }
    }

    @Test("The feed pages through every version once, in sequence order, by dataset, region and platform", arguments: LedgerPortEngine.all)
    func feedOrder(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            for round in 1...3 {
                try await store.commit([Opened.project("A", name: "a\(round)"), Opened.project("B\(round)", name: "b", region: "110000")])
            }
            try await store.commit([Opened.project("C", name: "c1")], from: Fixtures.otherPlatformID)

            var seen: [StoredVersion] = []
            var cursor: Int64 = 0
            var pages = 0
            while pages < 20 {
                let page = try await store.ports.feedPage(FeedQuery(after: cursor, datasets: ["500"], limit: 2))
                seen += page.versions
                #expect(page.versions.count <= 2)
                #expect(page.next >= cursor)
                cursor = page.next
                pages += 1
                if !page.more { break }
            }
            #expect(seen.map { "\($0.businessKey) v\($0.version)" } == ["A v1", "B1 v1", "A v2", "B2 v1", "A v3", "B3 v1", "C v1"])
            #expect(seen.map(\.sequence) == seen.map(\.sequence).sorted())
            #expect(Set(seen.map(\.sequence)).count == seen.count)
            #expect(try await store.ports.feedPage(FeedQuery(after: cursor, datasets: ["500"], limit: 2)).versions.isEmpty)
            #expect(try await store.ports.feedPage(FeedQuery(after: 0, datasets: ["500"], limit: 100)).latest == seen.last?.sequence)

            let wuhan = try await store.ports.feedPage(FeedQuery(after: 0, datasets: ["500"], regionPrefix: "42", limit: 100))
            #expect(wuhan.versions.map(\.businessKey) == ["A", "A", "A", "C"])
            let other = try await store.ports.feedPage(FeedQuery(after: 0, datasets: ["500"], platform: Fixtures.otherPlatformID.rawValue, limit: 100))
            #expect(other.versions.map(\.businessKey) == ["C"])
            #expect(try await store.ports.feedPage(FeedQuery(after: 0, datasets: ["501"], limit: 100)).versions.isEmpty)
        }
    }

    @Test("A read's nonce is recorded once, with its audit entry", arguments: LedgerPortEngine.all)
    func readNonce(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let event = AuditEvent(actorKind: .consumer, actor: store.consumer.id, action: "feed.read")
            try await store.ports.commitRead(by: store.consumer, nonce: "r-1", audit: event, at: Date())
            #expect(try await store.ports.isNonceUsed(appKey: store.consumer.nonceNamespace, nonce: "r-1"))
            do {
                try await store.ports.commitRead(by: store.consumer, nonce: "r-1", audit: event, at: Date())
                Issue.record("a read's nonce was recorded twice")
            } catch let error as StoreError {
                #expect(error.code == .nonceReused)
            }
        }
    }

    @Test("A dispute is raised on the latest version and shown open; an unknown record has none", arguments: LedgerPortEngine.all)
    func disputes(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let stored = try await store.commit([Opened.project("A", name: "a1"), Opened.project("A", name: "a2")])
            let record = try #require(stored.last?.hubId)
            let dispute = try await store.ports.openDispute(
                dataset: "500", key: "A", field: "PROJECT_NAME", fieldLabel: "项目名称", reason: "名称与批文不符",
                consumer: store.consumer.id, address: "127.0.0.1", at: Date()
            )
            #expect(dispute.version == 2)
            #expect(dispute.platform == Fixtures.platformID.rawValue)
            let open = try await store.ports.openDisputes(records: [record])
            #expect(open[record]?.map(\.field) == ["PROJECT_NAME"])
            #expect(open[record]?.first?.id == dispute.id)
            #expect(try await store.ports.openDisputes(records: [record + 1_000]).isEmpty)

            do {
                _ = try await store.ports.openDispute(
                    dataset: "500", key: "none", field: "PROJECT_NAME", fieldLabel: nil, reason: "?", consumer: store.consumer.id, address: nil, at: Date()
                )
                Issue.record("a dispute on an unknown record was raised")
            } catch let error as StoreError {
                #expect(error.code == .recordNotFound)
            }
        }
    }

    @Test("A withdrawal marks its original; a listing names the records that listed a code", arguments: LedgerPortEngine.all)
    func withdrawalsAndListings(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let original = try await store.commit([Opened.project("A", name: "a1", listing: "91420100MA4KXXXX0X")])
            let record = try #require(original.first?.hubId)
            #expect(try await store.ports.withdrawals(records: [record]).isEmpty)
            let listed = try await store.ports.listings(of: ["91420100MA4KXXXX0X", "nobody"])
            #expect(listed["91420100MA4KXXXX0X"]?.map(\.key) == ["A"])
            #expect(listed["91420100MA4KXXXX0X"]?.first?.withdrawn == false)
            #expect(listed["nobody"] == nil)

            try await store.commit([Opened.project("W", name: "withdraws A", withdraws: WithdrawnRecord(dataset: "500", key: "A"))])
            let withdrawn = try await store.ports.withdrawals(records: [record])
            #expect(withdrawn[record]?.map { "\($0.dataset) \($0.key) v\($0.version)" } == ["500 W v1"])
            #expect(try await store.ports.listings(of: ["91420100MA4KXXXX0X"])["91420100MA4KXXXX0X"]?.first?.withdrawn == true)
        }
    }

    @Test("Audit entries chain: each names the hash of the one before", arguments: LedgerPortEngine.all)
    func auditChain(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let first = try await store.ports.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.first", subject: "x"), at: Date())
            let second = try await store.ports.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.second", detail: #"{"n":2}"#), at: Date())
            #expect(second.id > first.id)
            #expect(second.previousHash == first.hash)
            #expect(first.hash != second.hash && first.hash.count == 64)
            #expect(second.action == "test.second" && second.detail == #"{"n":2}"#)
            // A committed batch appends to the same chain.
            try await store.commit([Opened.project("A", name: "a1")])
            let third = try await store.ports.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.third"), at: Date())
            #expect(third.id > second.id + 1)
            #expect(third.previousHash != second.hash)
        }
    }

    @Test("The directories find platforms and consumers by id, key and certificate, and grants in force", arguments: LedgerPortEngine.all)
    func directories(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            let platform = try #require(try await store.ports.platform(Fixtures.platformID))
            #expect(platform.status == .active && platform.allowedDatasets.contains("500"))
            #expect(try await store.ports.platform(PlatformID(rawValue: "E4201000009")!) == nil)
            let appKey = try #require(store.appKeys[Fixtures.platformID])
            let (found, credential) = try #require(try await store.ports.platformCredential(appKey: appKey))
            #expect(found.id == Fixtures.platformID && credential.appKey == appKey && !credential.secret.isEmpty)
            #expect(try await store.ports.platformCredential(appKey: "unknown") == nil)
            #expect(try await store.ports.certificateInForce(fingerprint: String(repeating: "0", count: 64)) == nil)

            let (consumer, secret) = try #require(try await store.ports.consumerCredential(appKey: store.consumer.appKey))
            #expect(consumer.id == store.consumer.id && secret == "consumer-secret")
            #expect(try await store.ports.consumerCredential(appKey: "unknown") == nil)
            #expect(try await store.ports.consumer(certificateFingerprint: String(repeating: "0", count: 64)) == nil)
            #expect(try await store.ports.grantsInForce(consumer: consumer.id, at: Date()).map(\.dataset) == ["500"])
            #expect(try await store.ports.grantsInForce(consumer: consumer.id, at: Date().addingTimeInterval(400 * 86_400)).isEmpty)
            #expect(try await store.ports.grantsInForce(consumer: "someone-else", at: Date()).isEmpty)
        }
    }

    @Test("A fresh store is ready and writable", arguments: LedgerPortEngine.all)
    func readiness(engine: LedgerPortEngine) async throws {
        try await engine.with { store in
            #expect(await store.ports.isReady())
            #expect(store.ports.writeState == .writable)
        }
    }
}
