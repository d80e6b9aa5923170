import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// The operator's queue commands where several hub instances on one PostgreSQL database act at
/// once: each store here is what one instance opens, all on the same database.
@Suite("PostgreSQL: queue administration across instances", .postgresCluster)
struct PostgresQueueAdministrationTests {
    /// Opens `count` stores on one fresh database (instances `i1`, `i2`…), runs `body`, closes them.
    private func withInstances(_ count: Int, _ body: ([PostgresStore], PostgresTestDatabase) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.make()
        var stores: [PostgresStore] = []
        do {
            for index in 1...count { stores.append(try await database.open(instance: "i\(index)")) }
            try await body(stores, database)
        } catch {
            for store in stores { await store.shutDown() }
            throw error
        }
        for store in stores { await store.shutDown() }
    }

    private func commit(_ keys: [String], version: String = "v1", to destinations: [String], into store: PostgresStore) async throws {
        try await StorePortEngine.commit(keys.map { ($0, "\($0)-\(version)") }, destinations, into: store, appKey: PostgresTestDatabase.appKey)
    }

    /// Claims every due delivery of `destination` and makes it dead, as a refusing upstream would.
    private func killAll(_ destination: String, on store: PostgresStore) async throws -> [ClaimedDelivery] {
        let claimed = try await store.claimDue(destination: destination, mode: .everyVersion, limit: 1_000, now: Date().addingTimeInterval(1))
        try await store.completeDeliveries(
            claimed.map { DeliveryOutcome(deliveryID: $0.id, result: .dead, status: 400, error: "refused") }, destination: destination, now: Date()
        )
        return claimed
    }

    /// The deliveries' states as the outbox holds them, counted row by row: the truth the figures must match.
    private func truth(_ destination: String, in database: PostgresTestDatabase) async throws -> String {
        try await database.cluster.psql(database.url, """
            SELECT string_agg(state || '=' || n, ',' ORDER BY state) FROM (
                SELECT state, count(*) AS n FROM delivery WHERE destination = '\(destination)' GROUP BY state) AS counted
            """)
    }

    private func figures(_ stats: QueueStats) -> String {
        [("dead", stats.dead), ("delivered", stats.delivered), ("in_flight", stats.inFlight), ("pending", stats.pending), ("retrying", stats.retrying)]
            .filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    @Test("Two instances retrying the same dead letters at once put each back once: the counts add up, one pending delivery per letter")
    func concurrentRetry() async throws {
        try await withInstances(2) { stores, database in
            let keys = (1...150).map { "K\($0)" }
            try await commit(keys, to: ["up"], into: stores[0])
            let letters = try await killAll("up", on: stores[0])
            #expect(letters.count == keys.count)
            // Several rounds, so that the two retries overlap in some of them.
            for round in 1...4 {
                let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                    for store in stores {
                        group.addTask { try await store.retryDeadLetters(ids: nil, matching: DeadLetterFilter(destination: "up"), by: "ops") }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(counts.reduce(0, +) == keys.count, "round \(round): the instances retried \(counts) letters")
                #expect(try await truth("up", in: database) == "pending=\(keys.count)")
                let stats = try #require(try await stores[1].queueStats(destinations: ["up"]).first)
                #expect(figures(stats) == "pending=\(keys.count)", "round \(round)")
                let waiting = try await stores[0].waitingDeliveries(destination: "up", limit: 1_000)
                #expect(Set(waiting.map(\.id)) == Set(letters.map(\.id)))
                #expect(waiting.allSatisfy { $0.attempts == 0 })
                #expect(try await killAll("up", on: stores[round % 2]).count == keys.count)
            }
            // Each retry audited with the letters it put back: together every letter once per round.
            let audited = try await database.cluster.psql(database.url, """
                SELECT count(*) FROM audit_entry a, json_array_elements_text(a.detail::json -> 'ids') AS id WHERE a.action = 'dead-letter.retry'
                """)
            #expect(audited == "\(4 * keys.count)")
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM delivery") == "\(keys.count)")
        }
    }

    @Test("Queue figures right after deliveries completed by two instances match the outbox, the counter rows folded as they are read")
    func figuresAfterConcurrentDeliveries() async throws {
        try await withInstances(2) { stores, database in
            let keys = (1...60).map { "K\($0)" }
            for version in ["v1", "v2", "v3"] { try await commit(keys, version: version, to: ["up"], into: stores[0]) }
            let now = Date()
            // Both instances claim and complete until nothing is due: one in five refused, one in
            // seven to retry later, the rest delivered; and read the figures meanwhile.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores {
                    group.addTask {
                        while true {
                            let claimed = try await store.claimDue(destination: "up", mode: .everyVersion, limit: 7, now: now)
                            if claimed.isEmpty { break }
                            try await store.completeDeliveries(claimed.map { delivery in
                                let result: DeliveryOutcome.Result = delivery.id % 5 == 0 ? .dead : delivery.id % 7 == 0 ? .retry(at: now.addingTimeInterval(3600)) : .delivered
                                return DeliveryOutcome(deliveryID: delivery.id, result: result, status: result == .delivered ? 200 : 500, error: "e")
                            }, destination: "up", now: now)
                            _ = try await store.queueStats(destinations: ["up"], now: now)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let expected = try await truth("up", in: database)
            #expect(expected.contains("delivered="))
            for store in stores {
                let stats = try #require(try await store.queueStats(destinations: ["up"], now: now).first)
                #expect(figures(stats) == expected)
            }
            // Reading the figures wrote nothing: the deltas are still there, one or two per statement that changed deliveries.
            let before = try #require(Int(try await database.cluster.psql(database.url, "SELECT count(*) FROM queue_counter WHERE destination = 'up'")))
            #expect(before > 10, "\(before) counter rows")
            // Folding at once from both instances keeps the sums, and leaves one row per state.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.compactQueueCounters() } }
                try await group.waitForAll()
            }
            let after = try #require(Int(try await database.cluster.psql(database.url, "SELECT count(*) FROM queue_counter WHERE destination = 'up'")))
            #expect(after <= 7 && after < before, "\(after) counter rows after folding")
            let folded = try await database.cluster.psql(database.url, """
                SELECT string_agg(state || '=' || n, ',' ORDER BY state) FROM (
                    SELECT state, sum(count) AS n FROM queue_counter WHERE destination = 'up' GROUP BY state HAVING sum(count) <> 0) AS summed
                """)
            #expect(folded == expected)
        }
    }

    @Test("Two instances replaying the same history at once queue each version once")
    func concurrentReplay() async throws {
        try await withInstances(2) { stores, database in
            try await commit((1...80).map { "K\($0)" }, to: [], into: stores[0])
            let outcomes = try await withThrowingTaskGroup(of: ReplayOutcome.self) { group in
                for store in stores {
                    group.addTask { try await store.replay(ReplaySelection(destination: "up", since: Date().addingTimeInterval(-3600)), by: "ops") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.map(\.queued).sorted() == [0, 80])
            #expect(try await truth("up", in: database) == "pending=80")
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'delivery.replay'") == "2")
        }
    }

    @Test("Two instances rejecting one dispute at once: one rejects it, the other finds it closed; one audit entry")
    func concurrentDisputeRejection() async throws {
        try await withInstances(2) { stores, database in
            try await commit(["A"], to: [], into: stores[0])
            let dispute = try await stores[0].openDispute(
                dataset: "500", key: "A", field: "PROJECT_NAME", fieldLabel: nil, reason: "wrong", consumer: "national-hub", address: nil, at: Date()
            )
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        do {
                            return try await store.rejectDispute(dispute.id, by: "ops-\(index)", reason: "stands").status.rawValue
                        } catch let error as StoreError {
                            return error.code.rawValue
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.sorted() == [StoreError.Code.disputeClosed.rawValue, DisputeStatus.rejected.rawValue].sorted())
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'dispute.reject'") == "1")
        }
    }
}
