import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Testing

/// A storage engine under contract: its ports, and how to fill its outbox as ingest does (the
/// ports take deliveries out; putting them in is ingest's part, through the ingest ledger).
struct StorePortEngine: Sendable, CustomTestStringConvertible {
    typealias Ports = DeliveryQueue & ConnectorStateStore & IngestLedger

    /// An opened, empty store of the engine, where `Fixtures.platformID` is registered.
    struct Opened: Sendable {
        let ports: any Ports
        /// The platform's app key: the namespace of its nonces.
        let appKey: String
        let close: @Sendable () async -> Void

        /// Commits one batch: a new version of each record (key, content), routed to `destinations`.
        func commit(_ records: [(key: String, content: String)], _ destinations: [String]) async throws {
            try await StorePortEngine.commit(records, destinations, into: ports, appKey: appKey)
        }
    }

    let name: String
    let open: @Sendable () async throws -> Opened
    var testDescription: String { name }

    /// Every engine the hub has; each must pass every test of the contract.
    static let all: [StorePortEngine] = [.sqlite, .postgres]

    /// `HubStore` on a fresh SQLite file in a temporary folder.
    static let sqlite = StorePortEngine(name: "SQLite") {
        let folder = try TemporaryDirectory()
        let store = try HubStore(directory: folder.path)
        let credential = try await Fixtures.register(in: store)
        return Opened(ports: store, appKey: credential.appKey) {
            try? store.close()
            folder.remove()
        }
    }

    /// `PostgresStore` on a fresh database of the suite's cluster.
    static let postgres = StorePortEngine(name: "PostgreSQL") {
        let database = try await PostgresTestDatabase.make()
        // A lease longer than any test: here a claim ends only when completed or recovered, as on
        // SQLite; the leases' own tests are in PostgresInstanceTests.
        let store = try await database.open(leaseSeconds: 86_400)
        return Opened(ports: store, appKey: PostgresTestDatabase.appKey) { await store.shutDown() }
    }

    /// Commits one batch through the ingest ledger, as ingest would: a project record (dataset
    /// 500) per (key, content), routed to `destinations`.
    static func commit(_ records: [(key: String, content: String)], _ destinations: [String], into ledger: any IngestLedger, appKey: String) async throws {
        let items: [IngestCommit.Item] = records.enumerated().map { index, record in
            let normalized = #"{"PROJECT_CODE":"\#(record.key)","PROJECT_NAME":"\#(record.content)"}"#
            return .valid(index: index, record: ValidatedRecord(
                dataset: "500", businessKey: record.key, regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
                contentHash: DigestAlgorithm.sha256.hexHash(Array(normalized.utf8)), specVersion: "contract"
            ), destinations: destinations)
        }
        let results = try await ledger.commitIngest(IngestCommit(
            platform: Fixtures.platformID, appKey: appKey, nonce: UUID().uuidString, address: "127.0.0.1", items: items
        ), receivedAt: Date())
        guard results.allSatisfy({ $0.status == .accepted }) else { throw TestHubError(message: "not all accepted: \(results)") }
    }

    /// Runs `body` on a fresh store, closed and removed afterwards.
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

/// The behaviour of the store's ports that delivery workers and pull connectors rely on, written
/// against the ports alone so that every engine runs the same tests.
@Suite("Store ports: the contract every engine keeps", .postgresCluster)
struct StorePortContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Claimed deliveries as "key vN", in the order claimed.
    private func names(_ claimed: [ClaimedDelivery]) -> [String] {
        claimed.map { "\($0.version.businessKey) v\($0.version.version)" }
    }

    private func near(_ date: Date?, _ expected: Date) -> Bool {
        guard let date else { return false }
        return abs(date.timeIntervalSince(expected)) < 0.001
    }

    @Test("Claims are exclusive: a claimed delivery is not claimed again", arguments: StorePortEngine.all)
    func claimsAreExclusive(engine: StorePortEngine) async throws {
        try await engine.with { store in
            try await store.commit([("A", "a1"), ("B", "b1"), ("C", "c1")], ["up"])
            let first = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 2, now: now)
            #expect(names(first) == ["A v1", "B v1"])
            #expect(first.allSatisfy { $0.attempts == 0 })
            #expect(names(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)) == ["C v1"])
            #expect(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now).isEmpty)
        }
    }

    @Test("One version per record at a time, oldest first: the next waits until the one before is delivered", arguments: StorePortEngine.all)
    func orderPerRecord(engine: StorePortEngine) async throws {
        try await engine.with { store in
            try await store.commit([("A", "a1")], ["up"])
            try await store.commit([("A", "a2")], ["up"])
            try await store.commit([("B", "b1")], ["up"])
            let first = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)
            #expect(names(first) == ["A v1", "B v1"])
            try await store.ports.completeDeliveries(first.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "up", now: now)
            let second = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)
            #expect(names(second) == ["A v2"])
            #expect(second.first?.idempotencyKey != first.first?.idempotencyKey)
            try await store.ports.completeDeliveries(second.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "up", now: now)
            #expect(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now).isEmpty)
        }
    }

    @Test("A retry waits for its time, counts an attempt and keeps its key; a failing record holds back only itself", arguments: StorePortEngine.all)
    func retryAndDead(engine: StorePortEngine) async throws {
        try await engine.with { store in
            try await store.commit([("A", "a1"), ("B", "b1")], ["up"])
            try await store.commit([("A", "a2")], ["up"])
            let first = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)
            #expect(names(first) == ["A v1", "B v1"])
            let a1 = try #require(first.first)
            try await store.ports.completeDeliveries([
                DeliveryOutcome(deliveryID: a1.id, result: .retry(at: now.addingTimeInterval(60)), status: 503, error: "answered 503"),
                DeliveryOutcome(deliveryID: first[1].id, result: .delivered, status: 200),
            ], destination: "up", now: now)

            // A v1 is not due yet, and A v2 waits behind it.
            #expect(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(59)).isEmpty)
            let retried = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(61))
            #expect(names(retried) == ["A v1"])
            #expect(retried.first?.id == a1.id)
            #expect(retried.first?.attempts == 1)
            #expect(retried.first?.idempotencyKey == a1.idempotencyKey)

            // Given up on, A v1 no longer holds A v2 back.
            try await store.ports.completeDeliveries(
                [DeliveryOutcome(deliveryID: a1.id, result: .dead, status: 422, error: "rejected by upstream", response: "bad")], destination: "up", now: now
            )
            #expect(names(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(61))) == ["A v2"])
            #expect(try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now.addingTimeInterval(3600)).isEmpty)
        }
    }

    @Test("A latest-state destination gets only a record's newest waiting version; the older ones are never sent", arguments: StorePortEngine.all)
    func latestState(engine: StorePortEngine) async throws {
        try await engine.with { store in
            try await store.commit([("A", "a1")], ["state"])
            try await store.commit([("A", "a2")], ["state"])
            try await store.commit([("A", "a3"), ("B", "b1")], ["state"])
            let claimed = try await store.ports.claimDue(destination: "state", mode: .latestState, limit: 10, now: now)
            #expect(Set(names(claimed)) == ["A v3", "B v1"])
            #expect(claimed.count == 2)
            try await store.ports.completeDeliveries(claimed.map { DeliveryOutcome(deliveryID: $0.id, result: .delivered, status: 200) }, destination: "state", now: now)
            #expect(try await store.ports.claimDue(destination: "state", mode: .latestState, limit: 10, now: now).isEmpty)
        }
    }

    @Test("Deliveries left in flight go back to the queue with the same keys; each destination's queue is its own", arguments: StorePortEngine.all)
    func recoverInFlight(engine: StorePortEngine) async throws {
        try await engine.with { store in
            try await store.commit([("A", "a1"), ("B", "b1")], ["up", "other"])
            let claimed = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)
            #expect(names(claimed) == ["A v1", "B v1"])
            #expect(try await store.ports.recoverInFlight(destination: "other") == 0)
            #expect(try await store.ports.recoverInFlight(destination: "up") == 2)
            #expect(try await store.ports.recoverInFlight(destination: "up") == 0)

            let again = try await store.ports.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: now)
            #expect(again.map(\.id) == claimed.map(\.id))
            #expect(again.map(\.idempotencyKey) == claimed.map(\.idempotencyKey))
            // The same versions go to every destination under the same keys.
            let other = try await store.ports.claimDue(destination: "other", mode: .everyVersion, limit: 10, now: now)
            #expect(other.map(\.idempotencyKey) == claimed.map(\.idempotencyKey))
            #expect(Set(other.map(\.id)).isDisjoint(with: claimed.map(\.id)))
        }
    }

    @Test("Failed batches in a row open the circuit, a success closes it; per destination", arguments: StorePortEngine.all)
    func circuitBreaker(engine: StorePortEngine) async throws {
        try await engine.with { store in
            let unseen = try await store.ports.destinationControl("up")
            #expect(unseen == DestinationControl(paused: false, consecutiveFailures: 0, circuitOpenUntil: nil))

            let until = now.addingTimeInterval(30)
            let openAtTwo: @Sendable (Int) -> Date? = { failures in failures >= 2 ? until : nil }
            let once = try await store.ports.recordBatchHealth(destination: "up", failed: true, openCircuitUntil: openAtTwo)
            #expect(once.consecutiveFailures == 1)
            #expect(once.circuitOpenUntil == nil)
            let twice = try await store.ports.recordBatchHealth(destination: "up", failed: true, openCircuitUntil: openAtTwo)
            #expect(twice.consecutiveFailures == 2)
            #expect(near(twice.circuitOpenUntil, until))
            let read = try await store.ports.destinationControl("up")
            #expect(read.consecutiveFailures == 2 && near(read.circuitOpenUntil, until) && !read.paused)
            #expect(try await store.ports.destinationControl("other").consecutiveFailures == 0)

            let closed = try await store.ports.recordBatchHealth(destination: "up", failed: false) { _ in until }
            #expect(closed == DestinationControl(paused: false, consecutiveFailures: 0, circuitOpenUntil: nil))
            #expect(try await store.ports.destinationControl("up") == closed)
        }
    }

    @Test("Connector state: committed pages move the cursor and add up; failures and successes keep the cursor", arguments: StorePortEngine.all)
    func connectorState(engine: StorePortEngine) async throws {
        try await engine.with { store in
            let ports = store.ports
            let platform = Fixtures.platformID
            #expect(try await ports.connectorStates(connector: nil).isEmpty)

            try await ports.recordConnectorPage(connector: "c1", endpoint: "e1", platform: platform, cursor: "2", records: 10, at: now)
            try await ports.recordConnectorPage(connector: "c1", endpoint: "e1", platform: platform, cursor: "3", records: 5, at: now.addingTimeInterval(1))
            var state = try #require(try await ports.connectorStates(connector: "c1").first)
            #expect(state.connector == "c1" && state.endpoint == "e1" && state.platform == platform.rawValue)
            #expect(state.cursor == "3")
            #expect(state.pagesFetched == 2)
            #expect(state.recordsFetched == 15)
            #expect(near(state.lastRunAt, now.addingTimeInterval(1)))
            #expect(state.consecutiveFailures == 0 && state.nextRunAt == nil && state.lastSuccessAt == nil)

            try await ports.recordConnectorFailure(
                connector: "c1", endpoint: "e1", platform: platform.rawValue, error: "connector.http_status: answered 503", failures: 3,
                at: now.addingTimeInterval(2), nextRunAt: now.addingTimeInterval(120)
            )
            state = try #require(try await ports.connectorStates(connector: "c1").first)
            #expect(state.cursor == "3")
            #expect(state.consecutiveFailures == 3)
            #expect(state.lastError == "connector.http_status: answered 503")
            #expect(near(state.lastErrorAt, now.addingTimeInterval(2)))
            #expect(near(state.lastRunAt, now.addingTimeInterval(2)))
            #expect(near(state.nextRunAt, now.addingTimeInterval(120)))

            try await ports.recordConnectorSuccess(connector: "c1", endpoint: "e1", platform: platform, at: now.addingTimeInterval(3), nextRunAt: now.addingTimeInterval(63))
            state = try #require(try await ports.connectorStates(connector: "c1").first)
            #expect(state.cursor == "3" && state.pagesFetched == 2 && state.recordsFetched == 15)
            #expect(state.consecutiveFailures == 0)
            #expect(near(state.lastSuccessAt, now.addingTimeInterval(3)))
            #expect(near(state.nextRunAt, now.addingTimeInterval(63)))

            // A run or a failure with no page before creates the endpoint's state, from the start.
            try await ports.recordConnectorSuccess(connector: "c1", endpoint: "e0", platform: platform, at: now, nextRunAt: now.addingTimeInterval(60))
            try await ports.recordConnectorFailure(
                connector: "c0", endpoint: "e1", platform: platform.rawValue, error: "connector.transport: refused", failures: 1, at: now, nextRunAt: now.addingTimeInterval(5)
            )
            let all = try await ports.connectorStates(connector: nil)
            #expect(all.map { "\($0.connector)/\($0.endpoint)" } == ["c0/e1", "c1/e0", "c1/e1"])
            #expect(all[1].cursor == nil && all[1].pagesFetched == 0 && all[1].recordsFetched == 0)
            #expect(all[0].consecutiveFailures == 1)
            #expect(try await ports.connectorStates(connector: "c1").map(\.endpoint) == ["e0", "e1"])
            #expect(try await ports.connectorStates(connector: "none").isEmpty)
        }
    }
}
