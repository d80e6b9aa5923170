import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// The ledger's ports where several instances share one PostgreSQL database: each store here is
/// what one instance opens.
@Suite("PostgreSQL: the ledger across instances", .postgresCluster)
struct PostgresLedgerTests {
    private func withTwoInstances(_ body: (PostgresStore, PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        try await PostgresTestDatabase.withTwoInstances(body)
    }

    @Test("Two instances appending audit entries at once form one unbroken chain")
    func concurrentAuditAppends() async throws {
        try await withTwoInstances { first, second, database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, store) in [("i1", first), ("i2", second)] {
                    for round in 0..<3 {
                        group.addTask {
                            for n in 0..<10 {
                                try await store.appendAudit(AuditEvent(actorKind: .operator, actor: name, action: "test.append", detail: #"{"n":\#(round * 10 + n)}"#))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await database.cluster.psql(database.url, "SELECT previous_hash || ' ' || hash FROM audit_entry ORDER BY id")
                .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(entries.count == 60)
            #expect(entries.first?.first == String(repeating: "0", count: 64))
            // Each entry names the hash of the one before it; a fork would leave two entries naming one hash.
            let breaks = zip(entries, entries.dropFirst()).filter { previous, next in next[0] != previous[1] }
            #expect(breaks.isEmpty, "\(breaks.count) links of the chain are broken")
            #expect(Set(entries.map { $0[0] }).count == entries.count)
        }
    }

    @Test("A read's nonce raced by two instances is recorded once, with one audit entry")
    func readNonceRacedAcrossInstances() async throws {
        try await withTwoInstances { first, second, database in
            _ = try await database.cluster.psql(database.url, """
                INSERT INTO consumer (id, name, status, app_key, app_secret, requests_per_minute, created_at, updated_at)
                VALUES ('national-hub', '上级平台', 'active', 'ck-national-hub', 'consumer-secret', 100, now(), now())
                """)
            let now = Date()
            let consumer = Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national-hub", requestsPerMinute: 100, createdAt: now, updatedAt: now)
            for round in 0..<5 {
                let nonce = "raced-\(round)"
                let outcomes = await withTaskGroup(of: Result<Void, any Error>.self) { group in
                    for store in [first, second] {
                        group.addTask {
                            do {
                                try await store.commitRead(
                                    by: consumer, nonce: nonce, audit: AuditEvent(actorKind: .consumer, actor: consumer.id, action: "feed.read", subject: nonce),
                                    at: Date()
                                )
                                return .success(())
                            } catch { return .failure(error) }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let refused = outcomes.compactMap { outcome -> StoreError.Code? in
                    if case .failure(let error) = outcome { return (error as? StoreError)?.code ?? .unavailable }
                    return nil
                }
                #expect(refused == [.nonceReused], "round \(round)")
                #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'feed.read' AND subject = '\(nonce)'") == "1")
                #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM request_nonce WHERE nonce = '\(nonce)'") == "1")
            }
            #expect(first.writeState == .writable && second.writeState == .writable)
        }
    }

    @Test("A reader paging the feed while two instances commit sees every version once, in order: no commit that finished late is skipped")
    func feedWhileInstancesCommit() async throws {
        try await withTwoInstances { first, second, _ in
            let seen = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, store) in [first, second].enumerated() {
                    group.addTask {
                        for batch in 0..<15 {
                            try await StorePortEngine.commit(
                                (0..<3).map { ("I\(index)-\(batch)-\($0)", "v") }, [], into: store, appKey: PostgresTestDatabase.appKey
                            )
                        }
                        return []
                    }
                }
                // Pages while the batches commit, following `next`, until all 90 versions are seen.
                group.addTask {
                    var cursor: Int64 = 0
                    var seen: [Int64] = []
                    let deadline = ContinuousClock.now + .seconds(60)
                    while seen.count < 90, ContinuousClock.now < deadline {
                        let page = try await first.feedPage(FeedQuery(after: cursor, datasets: ["500"], limit: 4))
                        seen += page.versions.map(\.sequence)
                        cursor = page.next
                    }
                    return seen
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(seen.count == 90)
            #expect(seen == seen.sorted() && Set(seen).count == seen.count)
        }
    }

    @Test("A feed page scans at most its window of ids past the cursor, and the cursor moves past what it scanned")
    func feedScanWindow() async throws {
        try await withTwoInstances { first, _, _ in
            try await StorePortEngine.commit((1...5).map { ("K\($0)", "v") }, [], into: first, appKey: PostgresTestDatabase.appKey)
            let page = try await first.feedPage(FeedQuery(after: 0, datasets: ["500"], platform: "nobody", limit: 10), scanWindow: 2)
            #expect(page.versions.isEmpty && page.next == 2 && page.more && page.latest == 5)
            let matching = try await first.feedPage(FeedQuery(after: page.next, datasets: ["500"], limit: 10), scanWindow: 2)
            #expect(matching.versions.map(\.businessKey) == ["K3", "K4"] && matching.next == 4 && matching.more)
        }
    }

    @Test("Readiness: a write the database refuses makes the store unwritable until a probe goes through; a database gone is not ready, at once")
    func readiness() async throws {
        let database = try await PostgresTestDatabase.make()
        let store = try await database.open()
        do {
            let name = String(database.url.split(separator: "/").last!)
            let maintenance = database.url.replacingOccurrences(of: "/\(name)", with: "/postgres")
            // New sessions of the database are read-only; the pool's sessions end, so it opens new ones.
            func setReadOnly(_ on: Bool) async throws {
                _ = try await database.cluster.psql(maintenance, "ALTER DATABASE \(name) SET default_transaction_read_only = \(on ? "on" : "off")")
                _ = try await database.cluster.psql(maintenance, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
            }
            #expect(await store.isReady())
            #expect(store.engineName == "postgres")
            try await setReadOnly(true)
            // (The first write may meet a session that was ended: unavailable too, for another reason.)
            #expect(await eventually {
                guard (try? await store.appendAudit(AuditEvent(actorKind: .operator, actor: "ops", action: "test.write"))) == nil,
                      case .unavailable(let reason) = store.writeState else { return false }
                return reason.contains("read-only")
            }, "the store is \(store.writeState)")
            #expect(await store.isReady() == false)

            try await setReadOnly(false)
            #expect(await eventually { await store.isReady() })
            #expect(store.writeState == .writable)

            _ = try await database.cluster.psql(maintenance, "DROP DATABASE \(name) WITH (FORCE)")
            let started = ContinuousClock.now
            #expect(await store.isReady() == false)
            #expect(ContinuousClock.now - started < .seconds(5))
        } catch {
            await store.shutDown()
            throw error
        }
        await store.shutDown()
    }
}
