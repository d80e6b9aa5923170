import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Synchronization
import Testing

/// What several hub instances on one PostgreSQL database rely on: each store here is what one
/// instance opens, all on the same database.
@Suite("PostgreSQL: several instances on one database", .postgresCluster)
struct PostgresInstanceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Opens `count` stores on one fresh database (instances `i1`, `i2`…), runs `body`, closes them.
    private func withInstances(
        _ count: Int, leaseSeconds: Int = 86_400, _ body: ([PostgresStore], PostgresTestDatabase) async throws -> Void
    ) async throws {
        let database = try await PostgresTestDatabase.make()
        var stores: [PostgresStore] = []
        do {
            for index in 1...count { stores.append(try await database.open(instance: "i\(index)", leaseSeconds: leaseSeconds)) }
            try await body(stores, database)
        } catch {
            for store in stores { await store.shutDown() }
            throw error
        }
        for store in stores { await store.shutDown() }
    }

    private func commit(_ records: [(key: String, content: String)], _ destinations: [String], into store: PostgresStore) async throws {
        try await StorePortEngine.commit(records, destinations, into: store, appKey: PostgresTestDatabase.appKey)
    }

    @Test("Two instances claiming at once never claim one delivery twice, nor a version before the one ahead of it is done")
    func concurrentClaims() async throws {
        try await withInstances(2) { stores, _ in
            let keys = (1...30).map { "K\($0)" }
            for version in 1...3 {
                try await commit(keys.map { ($0, "\($0)-v\(version)") }, ["up"], into: stores[0])
            }
            let log = ClaimLog()
            // Each instance claims once before they race, so that both take part.
            for (index, store) in stores.enumerated() {
                let claimed = try await store.claimDue(destination: "up", mode: .everyVersion, limit: 4, now: now)
                log.append(claimed.map { .claimed(instance: index, $0) })
                log.append(claimed.map { .completing($0) })
                try await store.completeDeliveries(
                    claimed.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "up", now: now
                )
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        var idleRounds = 0
                        while idleRounds < 3 {
                            let claimed = try await store.claimDue(destination: "up", mode: .everyVersion, limit: 4, now: now)
                            log.append(claimed.map { .claimed(instance: index, $0) })
                            if claimed.isEmpty {
                                idleRounds += 1
                                continue
                            }
                            idleRounds = 0
                            log.append(claimed.map { .completing($0) })
                            try await store.completeDeliveries(
                                claimed.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "up", now: now
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = log.events
            var claimedIDs: [Int64] = []
            var completing: Set<String> = []
            var lastClaimed: [String: Int] = [:]
            for event in events {
                switch event {
                case .claimed(_, let delivery):
                    claimedIDs.append(delivery.id)
                    let key = delivery.version.businessKey
                    // The version before must have been handed back before this one was claimed.
                    if delivery.version.version > 1 {
                        #expect(completing.contains("\(key) v\(delivery.version.version - 1)"), "\(key) v\(delivery.version.version) claimed too early")
                    }
                    #expect(delivery.version.version == (lastClaimed[key] ?? 0) + 1, "\(key) v\(delivery.version.version) out of order")
                    lastClaimed[key] = delivery.version.version
                case .completing(let delivery):
                    completing.insert("\(delivery.version.businessKey) v\(delivery.version.version)")
                }
            }
            #expect(claimedIDs.count == 90)
            #expect(Set(claimedIDs).count == claimedIDs.count, "a delivery was claimed twice")
        }
    }

    /// What the claimers did, in the order it was seen: claims as they returned, completions as they began.
    final class ClaimLog: Sendable {
        enum Event: Sendable { case claimed(instance: Int, ClaimedDelivery), completing(ClaimedDelivery) }
        private let log = Mutex<[Event]>([])
        var events: [Event] { log.withLock { $0 } }
        func append(_ events: [Event]) { log.withLock { $0 += events } }
    }

    @Test("A claim whose lease ran out is taken over by another instance with the same key; the first holder's late outcome is ignored")
    func leaseTakeover() async throws {
        try await withInstances(2, leaseSeconds: 30) { stores, _ in
            try await commit([("A", "a1"), ("B", "b1")], ["up"], into: stores[0])
            let first = try await stores[0].claimDue(destination: "up", mode: .everyVersion, limit: 1, now: now)
            #expect(first.map(\.version.businessKey) == ["A"])

            // Within the lease the other instance gets only what is not claimed.
            let during = try await stores[1].claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(29))
            #expect(during.map(\.version.businessKey) == ["B"])
            try await stores[1].completeDeliveries(
                during.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "up", now: now.addingTimeInterval(30)
            )
            let taken = try await stores[1].claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(31))
            #expect(taken.map(\.id) == first.map(\.id))
            #expect(taken.map(\.idempotencyKey) == first.map(\.idempotencyKey))
            #expect(taken.first?.attempts == 0)

            // The presumed-dead holder comes back late: its outcome no longer counts.
            try await stores[0].completeDeliveries(
                [DeliveryOutcome(deliveryID: first[0].id, result: .dead, status: 422, error: "late")], destination: "up", now: now.addingTimeInterval(32)
            )
            try await stores[1].completeDeliveries(
                [DeliveryOutcome(deliveryID: first[0].id, result: .retry(at: now.addingTimeInterval(40)), status: 503, error: "busy")],
                destination: "up", now: now.addingTimeInterval(33)
            )
            let retried = try await stores[0].claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(100))
            #expect(retried.map(\.id) == first.map(\.id))
            #expect(retried.first?.attempts == 1)
        }
    }

    @Test("Recovery at start takes back the instance's own claims and expired ones, never a live instance's")
    func recoveryLeavesLiveClaims() async throws {
        try await withInstances(2, leaseSeconds: 60) { stores, _ in
            try await commit([("A", "a1"), ("B", "b1")], ["up"], into: stores[0])
            let instant = Date()
            #expect(try await stores[0].claimDue(destination: "up", mode: .everyVersion, limit: 1, now: instant).count == 1)
            #expect(try await stores[1].claimDue(destination: "up", mode: .everyVersion, limit: 1, now: instant).count == 1)
            #expect(try await stores[1].recoverInFlight(destination: "up") == 1)
            #expect(try await stores[0].recoverInFlight(destination: "up") == 1)
            #expect(try await stores[0].recoverInFlight(destination: "up") == 0)

            // A claim whose lease already ran out is anyone's to recover.
            let old = Date().addingTimeInterval(-120)
            #expect(try await stores[0].claimDue(destination: "up", mode: .everyVersion, limit: 1, now: old).count == 1)
            #expect(try await stores[1].recoverInFlight(destination: "up") == 1)
        }
    }

    @Test("The circuit breaker is shared: every instance's failed batch counts once, and each sees the circuit open")
    func sharedCircuitBreaker() async throws {
        try await withInstances(2) { stores, _ in
            let until = now.addingTimeInterval(30)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<20 {
                    let store = stores[round % 2]
                    group.addTask {
                        _ = try await store.recordBatchHealth(destination: "up", failed: true) { $0 >= 5 ? until : nil }
                    }
                }
                try await group.waitForAll()
            }
            for store in stores {
                let control = try await store.destinationControl("up")
                #expect(control.consecutiveFailures == 20)
                #expect(control.circuitOpenUntil.map { abs($0.timeIntervalSince(until)) < 0.001 } == true)
            }
            _ = try await stores[1].recordBatchHealth(destination: "up", failed: false) { _ in until }
            #expect(try await stores[0].destinationControl("up") == DestinationControl(paused: false, consecutiveFailures: 0, circuitOpenUntil: nil))
        }
    }

    @Test("Instances opening one new database at once migrate it once")
    func migrateOnce() async throws {
        let database = try await PostgresTestDatabase.make()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for index in 1...3 {
                group.addTask {
                    try await PostgresStore.open(
                        PostgresStoreConfiguration(url: database.url + "?sslmode=disable"), instance: "m\(index)", auditKeyFile: database.auditKeyFile,
                        logger: PostgresTestDatabase.logger,
                        openTimeout: PostgresTestDatabase.openTimeout
                    )
                }
            }
            var opened: [PostgresStore] = []
            for try await store in group { opened.append(store) }
            return opened
        }
        for store in stores { await store.shutDown() }
        #expect(stores.count == 3)
        #expect(try await database.cluster.psql(database.url, "SELECT string_agg(identifier, ',' ORDER BY identifier) FROM shuniu_migration")
                == "1-initial,2-queue-counted-per-statement")
    }

    @Test("Ingest from two instances at once: one nonce is used once, and one record's versions are numbered without a gap or a repeat")
    func concurrentIngest() async throws {
        try await withInstances(2) { stores, database in
            func batch(_ content: String, nonce: String) -> IngestCommit {
                let normalized = #"{"PROJECT_CODE":"R","PROJECT_NAME":"\#(content)"}"#
                return IngestCommit(
                    platform: Fixtures.platformID, appKey: PostgresTestDatabase.appKey, nonce: nonce, address: nil,
                    items: [.valid(index: 0, record: ValidatedRecord(
                        dataset: "500", businessKey: "R", regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
                        contentHash: "hash-\(content)", specVersion: "contract"
                    ), destinations: ["up"])]
                )
            }
            // The same nonce from both instances: one commits, the other is refused and stores nothing.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        do {
                            _ = try await store.commitIngest(batch("same-nonce-\(index)", nonce: "shared"), receivedAt: Date())
                            return "ok"
                        } catch let error as StoreError {
                            if error.code != .nonceReused { Issue.record("\(error)") }
                            return error.code.rawValue
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["ok", StoreError.Code.nonceReused.rawValue])

            // Twenty new versions of one record from both instances at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<20 {
                    let store = stores[round % 2]
                    group.addTask {
                        let results = try await store.commitIngest(batch("v-\(round)", nonce: UUID().uuidString), receivedAt: Date())
                        #expect(results.map(\.status) == [.accepted])
                    }
                }
                try await group.waitForAll()
            }
            let versions = try await database.cluster.psql(database.url, "SELECT string_agg(version::text, ',' ORDER BY id) FROM record_version")
            #expect(versions == (1...21).map(String.init).joined(separator: ","))
            let chain = try await database.cluster.psql(database.url, """
                SELECT count(*) FROM audit_entry a JOIN audit_entry b ON b.id = (SELECT min(id) FROM audit_entry WHERE id > a.id) WHERE b.previous_hash <> a.hash
                """)
            #expect(chain == "0")
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'ingest.batch'") == "21")
        }
    }
}
