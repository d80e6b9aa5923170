import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Synchronization
import Testing

/// A storage engine under the operator's contract: a whole ``StoreEngine``, opened empty. The
/// tests register, ingest and deliver through the ports themselves, so that every engine is
/// driven alike.
struct OperatorPortEngine: Sendable, CustomTestStringConvertible {
    struct Opened: Sendable {
        let store: any StoreEngine
        /// A folder of the test's own, removed on close (checkpoint files, backups).
        let folder: String
        let close: @Sendable () async -> Void
    }

    let name: String
    let open: @Sendable () async throws -> Opened
    var testDescription: String { name }

    /// Every engine the hub has; each must pass every test of the contract.
    static let all: [OperatorPortEngine] = [.sqlite, .postgres]

    static let sqlite = OperatorPortEngine(name: "SQLite") {
        let folder = try TemporaryDirectory()
        let store = try HubStore(directory: folder.file("store"))
        return Opened(store: store, folder: folder.path) {
            try? store.close()
            folder.remove()
        }
    }

    /// `PostgresStore` on a fresh database of the suite's cluster, nothing registered.
    static let postgres = OperatorPortEngine(name: "PostgreSQL") {
        let folder = try TemporaryDirectory()
        let database = try await PostgresTestDatabase.make()
        let store = try await PostgresStore.open(
            PostgresStoreConfiguration(url: database.url + "?sslmode=disable"), auditKeyFile: database.auditKeyFile, logger: PostgresTestDatabase.logger,
            openTimeout: PostgresTestDatabase.openTimeout
        )
        return Opened(store: store, folder: folder.path) {
            await store.shutDown()
            folder.remove()
        }
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

extension OperatorPortEngine.Opened {
    /// A project record (dataset 500) as ingest hands it to the ledger.
    static func project(_ key: String, name: String, withdraws: WithdrawnRecord? = nil) -> ValidatedRecord {
        let normalized = #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"\#(name)"}"#
        return ValidatedRecord(
            dataset: "500", businessKey: key, regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
            contentHash: ContentHash.of(normalized: normalized, extra: nil), specVersion: "contract", withdraws: withdraws
        )
    }

    /// Registers `Fixtures.platformID` through the registry; returns its app key.
    @discardableResult
    func registerPlatform(_ id: PlatformID = Fixtures.platformID) async throws -> String {
        try await Fixtures.register(id, in: store).appKey
    }

    /// Commits `records` as one batch, each routed to `destinations`.
    @discardableResult
    func commit(_ records: [ValidatedRecord], appKey: String, to destinations: [String] = [], payload: RawPayload? = nil) async throws -> [RecordResult] {
        let commit = IngestCommit(
            platform: Fixtures.platformID, appKey: appKey, nonce: UUID().uuidString, address: "127.0.0.1",
            items: records.enumerated().map { .valid(index: $0.offset, record: $0.element, destinations: destinations) }, payload: payload
        )
        return try await store.commitIngest(commit, receivedAt: Date())
    }

    /// Claims every due delivery of `destination` and makes it dead, as a refusing upstream would.
    func killDeliveries(to destination: String) async throws -> [ClaimedDelivery] {
        let claimed = try await store.claimDue(destination: destination, mode: .everyVersion, limit: 100, now: Date().addingTimeInterval(1))
        try await store.completeDeliveries(
            claimed.map { DeliveryOutcome(deliveryID: $0.id, result: .dead, status: 400, error: "refused", response: #"{"error":"bad"}"#) },
            destination: destination, now: Date()
        )
        return claimed
    }

    /// The actions of the newest `count` audit entries, oldest first.
    func lastActions(_ count: Int) async throws -> [String] {
        try await store.auditEntries(limit: count).reversed().map(\.action)
    }
}

/// The behaviour of the ports operators (the `shuniu` commands, the daemon's housekeeping) rely
/// on, written against the ports alone so that every engine runs the same tests.
@Suite("Operator ports: the contract every engine keeps", .postgresCluster)
struct OperatorPortContractTests {
    typealias Opened = OperatorPortEngine.Opened

    private func code(of body: () async throws -> Void) async -> StoreError.Code? {
        do {
            try await body()
            return nil
        } catch let error as StoreError {
            return error.code
        } catch {
            return StoreError.Code(rawValue: "other: \(error)")
        }
    }

    @Test("Platform registry: a platform is registered once, changed by operators, each change audited; certificates are kept when removed", arguments: OperatorPortEngine.all)
    func platformRegistry(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let appKey = try await opened.registerPlatform()
            #expect(try await store.platforms().map(\.id) == [Fixtures.platformID])
            #expect(await code { try await opened.registerPlatform() } == .platformExists)
            let other = Platform(
                id: Fixtures.otherPlatformID, name: "另一平台", status: .active, certifiedUntil: CalendarDay("2099-12-31")!,
                allowedDatasets: ["500"], appKey: appKey, createdAt: Date(), updatedAt: Date()
            )
            #expect(await code { try await store.addPlatform(other, secret: "s", by: "ops") } == .appKeyExists)

            let suspended = try await store.setPlatformStatus(Fixtures.platformID, to: .suspended, by: "ops", reason: "audit")
            #expect(suspended.status == .suspended)
            #expect(try await store.setOperatorCode(Fixtures.platformID, to: "91420100MA4KXXXX0X", by: "ops").operatorCode == "91420100MA4KXXXX0X")
            #expect(try await store.setPlatformRateLimit(Fixtures.platformID, to: 42, by: "ops").requestsPerMinute == 42)
            #expect(try await store.setStrictFields(Fixtures.platformID, to: true, by: "ops").strictFields)
            let stored = try #require(try await store.platform(Fixtures.platformID))
            #expect(stored.status == .suspended && stored.requestsPerMinute == 42 && stored.strictFields)
            #expect(try await opened.lastActions(4) == ["platform.suspend", "platform.operator_code", "platform.rate_limit", "platform.strict_fields"])
            #expect(try await store.auditEntries(limit: 1).first?.actor == "ops")

            try await opened.registerPlatform(Fixtures.otherPlatformID)
            let successor = try await store.addPredecessor(Fixtures.platformID, to: Fixtures.otherPlatformID, reason: "merger", by: "ops")
            #expect(successor.predecessors == [Fixtures.platformID])
            #expect(await code { _ = try await store.addPredecessor(Fixtures.platformID, to: Fixtures.platformID, reason: "x", by: "ops") } == .invalidChange)
            let unknown = PlatformID(rawValue: "E4201000009")!
            #expect(await code { _ = try await store.setPlatformRateLimit(unknown, to: 1, by: "ops") } == .platformNotFound)

            let fingerprint = String(repeating: "ab", count: 32)
            let certificate = PlatformCertificate(
                platform: Fixtures.platformID, fingerprint: fingerprint, der: [1, 2, 3], chain: [], ca: "test-ca", subject: "CN=测试",
                serial: "01", identityCode: "91420100MA4KXXXX0X", identityCodeType: "creditCode",
                notAfter: Date().addingTimeInterval(86_400), addedBy: "ops", addedAt: Date()
            )
            let added = try await store.addPlatformCertificate(certificate, by: "ops")
            #expect(added.isActive && added.fingerprint == fingerprint)
            #expect(await code { _ = try await store.addPlatformCertificate(certificate, by: "ops") } == .certificateRegistered)
            #expect(try await store.certificateInForce(fingerprint: fingerprint)?.0.id == Fixtures.platformID)
            let removed = try await store.removePlatformCertificate(Fixtures.platformID, fingerprint: fingerprint, by: "ops", reason: "key lost")
            #expect(!removed.isActive && removed.removedBy == "ops")
            #expect(try await store.platformCertificates(Fixtures.platformID).isEmpty)
            #expect(try await store.platformCertificates(Fixtures.platformID, includingRemoved: true).map(\.fingerprint) == [fingerprint])
            #expect(try await store.certificateInForce(fingerprint: fingerprint) == nil)
            #expect(await code { _ = try await store.removePlatformCertificate(Fixtures.platformID, fingerprint: fingerprint, by: "ops", reason: nil) } == .certificateNotFound)
        }
    }

    @Test("Consumer registry: consumers are registered once and changed by operators; a revoked grant is kept but no longer in force", arguments: OperatorPortEngine.all)
    func consumerRegistry(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let now = Date()
            let consumer = Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national", requestsPerMinute: 100, createdAt: now, updatedAt: now)
            try await store.addConsumer(consumer, secret: "secret", by: "ops")
            #expect(await code { try await store.addConsumer(consumer, secret: "secret", by: "ops") } == .consumerExists)
            #expect(try await store.consumers().map(\.id) == ["national-hub"])
            #expect(try await store.consumer("national-hub")?.appKey == "ck-national")
            #expect(try await store.consumer("nobody") == nil)
            #expect(try await store.setConsumerStatus("national-hub", to: .suspended, by: "ops", reason: "review").status == .suspended)
            #expect(try await store.setConsumerRateLimit("national-hub", to: 7, by: "ops").requestsPerMinute == 7)
            #expect(await code { _ = try await store.setConsumerRateLimit("nobody", to: 7, by: "ops") } == .consumerNotFound)
            #expect(try await opened.lastActions(3) == ["consumer.add", "consumer.suspend", "consumer.rate_limit"])
            // An app key names one caller: another consumer's, or a platform's, is refused.
            let sameKey = Consumer(id: "supervisor", name: "监督部门", appKey: "ck-national", requestsPerMinute: 100, createdAt: now, updatedAt: now)
            #expect(await code { try await store.addConsumer(sameKey, secret: "secret", by: "ops") } == .appKeyExists)
            let platformKey = try await opened.registerPlatform()
            var platformsKey = sameKey
            platformsKey.appKey = platformKey
            #expect(await code { try await store.addConsumer(platformsKey, secret: "secret", by: "ops") } == .appKeyExists)
            #expect(try await store.consumers().map(\.id) == ["national-hub"])
            // And a platform may not take a consumer's.
            let consumersKey = Platform(
                id: Fixtures.otherPlatformID, name: "另一平台", status: .active, certifiedUntil: CalendarDay("2099-12-31")!,
                allowedDatasets: ["500"], appKey: "ck-national", createdAt: now, updatedAt: now
            )
            #expect(await code { try await store.addPlatform(consumersKey, secret: "s", by: "ops") } == .appKeyExists)
            #expect(try await store.platforms().map(\.id) == [Fixtures.platformID])

            let grant = try await Fixtures.grant("500", in: store)
            #expect(grant.id > 0)
            #expect(try await store.grantsInForce(consumer: "national-hub", at: Date()).map(\.id) == [grant.id])
            let revoked = try await store.revokeGrant(grant.id, by: "ops", reason: "purpose ended")
            #expect(revoked.revokedBy == "ops" && revoked.revokedAt != nil)
            #expect(try await store.grantsInForce(consumer: "national-hub", at: Date()).isEmpty)
            #expect(try await store.grants(consumer: "national-hub").map(\.id) == [grant.id])
            #expect(try await store.grants().count == 1)
            #expect(await code { _ = try await store.revokeGrant(grant.id + 1_000, by: "ops", reason: nil) } == .grantNotFound)
            #expect(try await opened.lastActions(2) == ["grant.add", "grant.revoke"])
        }
    }

    @Test("Allowed codes: a code is allowed once and removed once, each audited", arguments: OperatorPortEngine.all)
    func allowedCodes(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let allowed = try await store.allowCode("91420100MA4KXXXX0Y", kind: "creditCode", reason: "real, misprinted", by: "ops")
            #expect(allowed.code == "91420100MA4KXXXX0Y" && allowed.addedBy == "ops" && allowed.kind == "creditCode")
            #expect(await code { _ = try await store.allowCode("91420100MA4KXXXX0Y", kind: "creditCode", reason: "again", by: "ops") } == .invalidChange)
            _ = try await store.allowCode("12345678-9", kind: "organizationCode", reason: "old", by: "ops")
            #expect(try await store.allowedCodes().map(\.code) == ["12345678-9", "91420100MA4KXXXX0Y"])
            try await store.removeAllowedCode("12345678-9", reason: "fixed", by: "ops")
            #expect(try await store.allowedCodes().map(\.code) == ["91420100MA4KXXXX0Y"])
            #expect(await code { try await store.removeAllowedCode("12345678-9", reason: "again", by: "ops") } == .notFound)
            #expect(try await opened.lastActions(3) == ["codes.allow", "codes.allow", "codes.remove"])
        }
    }

    @Test("Audit trail: entries newest first and filtered; a checkpoint names the head; verification finds the chain intact, and checks it against the checkpoints", arguments: OperatorPortEngine.all)
    func auditTrail(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            #expect(store.auditKeyProblem == nil)
            let appKey = try await opened.registerPlatform()
            try await opened.commit([Opened.project("A", name: "a1")], appKey: appKey, to: ["up"])
            let start = Date()
            for index in 1...3 {
                try await store.appendAudit(AuditEvent(actorKind: .operator, actor: index == 2 ? "li" : "wang", action: "test.step", subject: String(index)))
            }
            let newest = try await store.auditEntries(limit: 2)
            #expect(newest.map(\.subject) == ["3", "2"])
            #expect(try await store.lastAuditID() == newest.first?.id)
            #expect(try await store.auditEntries(limit: 10, action: "test.step").map(\.subject) == ["3", "2", "1"])
            #expect(try await store.auditEntries(limit: 10, actor: "li").map(\.subject) == ["2"])
            #expect(try await store.auditEntries(limit: 10, since: start.addingTimeInterval(3600)).isEmpty)
            #expect(try await store.auditEntries(limit: 10, action: "ingest.batch").count == 1)

            let checkpoint = try await store.auditCheckpoint(event: "interval")
            #expect(checkpoint.lastId == newest.first?.id && checkpoint.lastHash == newest.first?.hash)
            #expect(checkpoint.entries == (try await store.auditEntries(limit: 1_000).count))
            #expect(!checkpoint.mac.isEmpty && checkpoint.event == "interval")

            let report = try await store.verifyAuditChain()
            #expect(report.intact, "\(report.damage)")
            #expect(report.entries == checkpoint.entries && report.versions == 1 && report.deliveries == 1)

            let log = AuditCheckpointLog(path: opened.folder + "/checkpoints.jsonl")
            try log.append(checkpoint)
            #expect(try await store.verifyAudit(checkpoints: log.checkpoints()).intact)
            // A checkpoint the chain does not match (here one altered after it was signed) is damage.
            var ahead = checkpoint
            ahead.entries += 5
            ahead.lastId += 5
            try log.append(ahead)
            let truncated = try await store.verifyAudit(checkpoints: log.checkpoints())
            #expect(!truncated.intact)
        }
    }

    @Test("Queue administration: figures, waiting deliveries, dead letters retried and discarded, a replay queued once, a pause held", arguments: OperatorPortEngine.all)
    func queueAdministration(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let appKey = try await opened.registerPlatform()
            try await opened.commit([Opened.project("A", name: "a1"), Opened.project("B", name: "b1"), Opened.project("C", name: "c1")], appKey: appKey, to: ["up"])
            #expect(try await store.queuedDestinations() == ["up"])
            var stats = try #require(try await store.queueStats(destinations: ["up", "never"]).first)
            #expect(stats.destination == "up" && stats.pending == 3 && stats.dead == 0 && !stats.paused)
            #expect(try await store.queueStats(destinations: ["up", "never"]).map(\.destination) == ["up", "never"])
            let waiting = try await store.waitingDeliveries(destination: "up")
            #expect(waiting.map(\.key) == ["A", "B", "C"] && waiting.allSatisfy { $0.state == .pending })

            let claimed = try await opened.killDeliveries(to: "up")
            #expect(claimed.count == 3)
            stats = try #require(try await store.queueStats(destinations: ["up"]).first)
            #expect(stats.pending == 0 && stats.dead == 3)
            let letters = try await store.deadLetters(DeadLetterFilter(destination: "up"))
            #expect(letters.map(\.key) == ["A", "B", "C"])
            #expect(letters.first?.lastStatus == 400 && letters.first?.upstreamResponse == #"{"error":"bad"}"#)
            #expect(try await store.deadLetter(id: letters[0].id)?.key == "A")
            #expect(try await store.deadLetter(id: letters[0].id + 1_000) == nil)
            #expect(try await store.deadLetters(DeadLetterFilter(errorContains: "nothing like it")).isEmpty)

            #expect(try await store.retryDeadLetters(ids: [letters[0].id], matching: DeadLetterFilter(destination: "up"), by: "ops") == 1)
            #expect(try await store.discardDeadLetters(ids: nil, matching: DeadLetterFilter(destination: "up"), by: "ops", reason: "obsolete") == 2)
            // Only dead letters are touched: the retried one is pending, not dead.
            #expect(try await store.discardDeadLetters(ids: nil, matching: DeadLetterFilter(destination: "up"), by: "ops", reason: "again") == 0)
            stats = try #require(try await store.queueStats(destinations: ["up"]).first)
            #expect(stats.pending == 1 && stats.dead == 0)
            let retried = try await store.claimDue(destination: "up", mode: .everyVersion, limit: 10, now: Date().addingTimeInterval(1))
            #expect(retried.map(\.version.businessKey) == ["A"])
            #expect(retried.first?.idempotencyKey == claimed.first?.idempotencyKey)
            #expect(try await opened.lastActions(3) == ["dead-letter.retry", "dead-letter.discard", "dead-letter.discard"])

            // A replay queues every version since then once, the one still in flight for "up" excepted.
            let replayed = try await store.replay(ReplaySelection(destination: "up", since: Date().addingTimeInterval(-3600)), by: "ops")
            #expect(replayed.queued == 2)
            #expect(try await store.replay(ReplaySelection(destination: "up", since: Date().addingTimeInterval(-3600)), by: "ops").queued == 0)
            let routed = try await store.replay(
                ReplaySelection(destination: "other", since: Date().addingTimeInterval(-3600)), routed: { $0.normalizedPayload.contains(#""B""#) }, by: "ops"
            )
            #expect(routed.queued == 1 && routed.skippedByRoutes == 2)
            #expect(try await opened.lastActions(1) == ["delivery.replay"])

            try await store.setDestinationPaused("up", paused: true, by: "ops", reason: "upstream maintenance")
            stats = try #require(try await store.queueStats(destinations: ["up"]).first)
            #expect(stats.paused && stats.pausedBy == "ops" && stats.pausedReason == "upstream maintenance")
            #expect(try await store.destinationControl("up").paused)
            try await store.setDestinationPaused("up", paused: false, by: "ops", reason: nil)
            #expect(try await store.destinationControl("up").paused == false)
            #expect(try await opened.lastActions(2) == ["destination.pause", "destination.resume"])
        }
    }

    @Test("Record archive: counts, payloads, a record's deliveries, overdue withdrawals, disputes listed and rejected once", arguments: OperatorPortEngine.all)
    func recordArchive(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let appKey = try await opened.registerPlatform()
            #expect(try await store.versionCount() == 0)
            let body = Array(#"{"records":[]}"#.utf8)
            let results = try await opened.commit(
                [Opened.project("A", name: "a1"), Opened.project("A", name: "a2")], appKey: appKey, to: ["up"],
                payload: RawPayload(format: "json", body: body, sha256: DigestAlgorithm.sha256.hexHash(body))
            )
            #expect(try await store.versionCount() == 2)
            let latest = try #require(try await store.latestVersion(dataset: "500", key: "A"))
            #expect(latest.version == 2)
            #expect(try await store.latestVersion(dataset: "500", key: "none") == nil)
            let payloadID = try #require(latest.payloadID)
            #expect(try await store.rawPayload(id: payloadID)?.body == body)
            #expect(try await store.rawPayload(id: payloadID + 1_000) == nil)
            let record = try #require(results.last?.hubId)
            #expect(try await store.deliveries(ofRecord: record).map { "\($0.destination) v\($0.version) \($0.state)" } == ["up v1 pending", "up v2 pending"])

            // A withdrawal's delivery still waiting past the cutoff is overdue; before it, not yet.
            try await opened.commit([Opened.project("W", name: "withdraws A", withdraws: WithdrawnRecord(dataset: "500", key: "A"))], appKey: appKey, to: ["up"])
            let overdue = try await store.overdueWithdrawals(dataset: "500", enqueuedBefore: Date().addingTimeInterval(60))
            #expect(overdue.map { "\($0.destination) \($0.count)" } == ["up 1"])
            #expect(try await store.overdueWithdrawals(dataset: "500", enqueuedBefore: Date().addingTimeInterval(-3600)).isEmpty)

            let raised = try await store.openDispute(
                dataset: "500", key: "A", field: "PROJECT_NAME", fieldLabel: "项目名称", reason: "名称有误", consumer: "national-hub", address: nil, at: Date()
            )
            #expect(try await store.disputes(status: .open).map(\.id) == [raised.id])
            #expect(try await store.disputes(platform: Fixtures.otherPlatformID.rawValue).isEmpty)
            #expect(try await store.dispute(raised.id)?.field == "PROJECT_NAME")
            let rejected = try await store.rejectDispute(raised.id, by: "ops", reason: "the name is the approved one")
            #expect(rejected.status == .rejected && rejected.resolvedBy == "ops")
            #expect(try await store.disputes(status: .open).isEmpty)
            #expect(try await store.openDisputes(records: [record]).isEmpty)
            #expect(await code { _ = try await store.rejectDispute(raised.id, by: "ops", reason: "again") } == .disputeClosed)
            #expect(await code { _ = try await store.rejectDispute(raised.id + 1_000, by: "ops", reason: "?") } == .disputeNotFound)
            #expect(try await opened.lastActions(1) == ["dispute.reject"])
        }
    }

    @Test("Connector administration: a reset forgets the cursors asked for, audited, and nothing for a connector that never ran", arguments: OperatorPortEngine.all)
    func connectorAdministration(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            for endpoint in ["projects", "notices"] {
                try await store.recordConnectorPage(connector: "city", endpoint: endpoint, platform: Fixtures.platformID, cursor: "c-\(endpoint)", records: 3, at: Date())
            }
            try await store.recordConnectorSuccess(connector: "city", endpoint: "projects", platform: Fixtures.platformID, at: Date(), nextRunAt: Date().addingTimeInterval(3600))
            #expect(try await store.resetConnectorCursor(connector: "nobody", endpoint: nil, by: "ops", reason: nil).isEmpty)
            #expect(try await store.resetConnectorCursor(connector: "city", endpoint: "projects", by: "ops", reason: "re-read") == ["projects"])
            let states = try await store.connectorStates()
            #expect(states.map { "\($0.endpoint)=\($0.cursor ?? "-")" }.sorted() == ["notices=c-notices", "projects=-"])
            // Due now: the next run is not put off to the time the last success set.
            #expect(states.first { $0.endpoint == "projects" }?.nextRunAt == nil)
            #expect(try await opened.lastActions(1) == ["connector.reset_cursor"])
            #expect(try await store.resetConnectorCursor(connector: "city", endpoint: nil, by: "ops", reason: nil).sorted() == ["notices", "projects"])
            #expect(try await store.connectorStates(connector: "city").allSatisfy { $0.cursor == nil })
        }
    }

    @Test("Store administration: the status names the engine and what it holds; a backup is made whole or refused with advice, never over a file", arguments: OperatorPortEngine.all)
    func storeAdministration(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let appKey = try await opened.registerPlatform()
            try await opened.commit([Opened.project("A", name: "a1"), Opened.project("B", name: "b1")], appKey: appKey)
            let status = try await store.status()
            #expect(status.engine == store.engineName && !status.engine.isEmpty)
            #expect(status.location == store.location && !status.location.isEmpty)
            #expect(status.records == 2 && status.versions == 2)
            #expect(status.holdings.map { "\($0.dataset) \($0.platform) \($0.records)" } == ["500 \(Fixtures.platformID.rawValue) 2"])
            #expect(status.platforms.map(\.id) == [Fixtures.platformID.rawValue])
            #expect(status.auditEntries == (try await store.auditEntries(limit: 1_000).count))
            #expect(try await store.storeBytes() > 0)
            #expect(store.freeDiskBytes().map { $0 > 0 } ?? true)

            let changes = WriteStates()
            store.observeWriteState { changes.append($0) }
            try await store.probeWrite()
            #expect(store.writeState == .writable)
            #expect(await store.isReady())

            let file = opened.folder + "/backup.store"
            do {
                let check = try await store.backup(to: file, by: "ops")
                #expect(check.isSound && check.versions == 2 && check.audit.intact)
                #expect(FileManager.default.fileExists(atPath: file))
                #expect(try await opened.lastActions(1) == ["store.backup"])
                #expect(await code { _ = try await store.backup(to: file, by: "ops") } == .backupExists)
            } catch let error as StoreError where error.code == .backupUnsupported {
                // An engine whose copies its own tools make says which, and writes nothing.
                #expect(!error.message.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: file))
            }
            // Nothing changed state: no change was told.
            #expect(changes.all.isEmpty)
        }
    }

    @Test("Instance roster: each instance's latest report is kept, its start as first reported; old reports are not alive", arguments: OperatorPortEngine.all)
    func instanceRoster(engine: OperatorPortEngine) async throws {
        try await engine.with { opened in
            let store = opened.store
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var first = HubInstance(name: "hub-a", host: "a", pid: 10, version: "0.15.0", startedAt: start, seenAt: start)
            let second = HubInstance(name: "hub-b", host: "b", pid: 20, version: "0.15.0", startedAt: start, seenAt: start.addingTimeInterval(30))
            #expect(try await store.instances(seenSince: start).isEmpty)
            try await store.reportAlive(first)
            try await store.reportAlive(second)
            #expect(try await store.instances(seenSince: start).map(\.name) == ["hub-b", "hub-a"])
            #expect(try await store.instances(seenSince: start.addingTimeInterval(10)).map(\.name) == ["hub-b"])

            // A later report moves "seen" on and keeps the start first reported.
            first.seenAt = start.addingTimeInterval(60)
            first.startedAt = start.addingTimeInterval(59)
            first.pid = 11
            try await store.reportAlive(first)
            let alive = try await store.instances(seenSince: start.addingTimeInterval(45))
            #expect(alive.map(\.name) == ["hub-a"])
            #expect(alive.first?.pid == 11)
            #expect(alive.first.map { abs($0.startedAt.timeIntervalSince(start)) < 0.001 } == true)
            #expect(alive.first.map { abs($0.seenAt.timeIntervalSince(start.addingTimeInterval(60))) < 0.001 } == true)
        }
    }

    @Test("A closed engine can be closed again", arguments: OperatorPortEngine.all)
    func closing(engine: OperatorPortEngine) async throws {
        let opened = try await engine.open()
        try opened.store.close()
        try opened.store.close()
        await opened.close()
    }
}

/// The write states an engine told, in order.
private final class WriteStates: Sendable {
    private let states = Mutex<[StoreWriteState]>([])
    func append(_ state: StoreWriteState) { states.withLock { $0.append(state) } }
    var all: [StoreWriteState] { states.withLock { $0 } }
}
