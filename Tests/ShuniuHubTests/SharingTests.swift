import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Sharing types, grants, masking, authentication, rate limits and the read audit, through a
/// real hub on loopback.
@Suite("Sharing: who may read what, masked how, and audited")
struct SharingTests {
    static let sectionKey = "E4201000001000001001001"
    static let bidderKey = sectionKey + "|91420102MA4K010137"

    /// A hub holding the sample project chain (500–503) and one 507 bidder record.
    static func hubWithRecords(in folder: TemporaryDirectory, adjust: (inout HubConfiguration) -> Void = { _ in }) async throws -> (RunningHub, IngestClient) {
        let hub = try await RunningHub.start(dataDir: folder.path + "/var", adjust: adjust)
        let platform = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500", "501", "502", "503", "507"]))
        #expect(try await platform.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
        let bidder = try await platform.send(body: Fixtures.batch([Fixtures.datasetRecord("507")]))
        #expect(bidder.status == 200, "\(bidder.bodyText)")
        return (hub, platform)
    }

    static func object(_ response: ReceivedResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func expectRefused(_ response: ReceivedResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.bodyText.contains("\"\(code)\""), "\(response.bodyText)", sourceLocation: sourceLocation)
    }

    @Test("无条件共享 is read by any consumer; 有条件共享 only under a grant in force; expiry and revocation close it again")
    func conditionalNeedsGrant() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await Self.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)

        #expect(try await consumer.record(dataset: "502", key: Self.sectionKey).status == 200)
        Self.expectRefused(try await consumer.record(dataset: "507", key: Self.bidderKey), 403, "sharing.grant_required")
        Self.expectRefused(try await consumer.record(dataset: "507", key: Self.bidderKey, versions: true), 403, "sharing.grant_required")
        Self.expectRefused(try await consumer.feed(datasets: ["502", "507"]), 403, "sharing.grant_required")
        // Without a dataset filter the feed holds only what the consumer may read.
        let open = try FeedTests.page(try await consumer.feed(limit: 1000))
        #expect(open.versions.map(\.dataset).sorted() == ["500", "501", "502", "503"])

        let grant = try await Fixtures.grant("507", in: hub.store)
        let granted = try await consumer.record(dataset: "507", key: Self.bidderKey)
        #expect(granted.status == 200, "\(granted.bodyText)")
        #expect(try FeedTests.page(try await consumer.feed(limit: 1000)).versions.map(\.dataset).contains("507"))

        try await hub.store.revokeGrant(grant.id, by: "li.na", reason: "监督任务结束")
        Self.expectRefused(try await consumer.record(dataset: "507", key: Self.bidderKey), 403, "sharing.grant_required")

        // A grant that has expired opens nothing.
        let start = Date().addingTimeInterval(-7200)
        try await hub.store.addGrant(DataGrant(consumer: "national-hub", dataset: "507", purpose: "过期的用途", personalData: true,
                                               approvedBy: "test", grantedAt: start, expiresAt: start.addingTimeInterval(3600)))
        Self.expectRefused(try await consumer.record(dataset: "507", key: Self.bidderKey), 403, "sharing.grant_required")
        // Another consumer's grant does not open it either.
        let other = try await Fixtures.registerConsumer("wuhan-supervision", on: hub)
        Self.expectRefused(try await other.record(dataset: "507", key: Self.bidderKey), 403, "sharing.grant_required")
        try await hub.stop()
    }

    @Test("Personal fields are masked unless a grant covers personal data; the answer names what was masked")
    func personalDataMasked() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await Self.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)

        let project = try Self.object(try await consumer.record(dataset: "500", key: "E4201000001000001"))
        let projectData = try #require(project["data"] as? [String: String])
        #expect(projectData["CONTACTOR"] == "张*")
        #expect(projectData["CONTACT_INFORMATION"] == "027*****0000")
        #expect(projectData["PROJECT_NAME"] == "武汉市江岸区示范学校新建工程")
        #expect((project["masked"] as? [String])?.sorted() == ["CONTACTOR", "CONTACT_INFORMATION"])

        try await Fixtures.grant("507", in: hub.store)
        let bidder = try Self.object(try await consumer.record(dataset: "507", key: Self.bidderKey))
        let bidderData = try #require(bidder["data"] as? [String: String])
        #expect(bidderData["PM_CODE"] == "420***********0012")
        #expect(bidderData["BIDDER_OPERATION_PERSON_CON"] == "139****0001")
        #expect(bidderData["BIDDER_NAME"] == "湖北示范建工集团有限公司")
        // The content hash is the stored version's: the reader can tell the data was masked, not changed.
        let stored = try #require(try await hub.store.latestVersion(dataset: "507", key: Self.bidderKey))
        #expect(bidder["contentHash"] as? String == stored.contentHash)

        try await Fixtures.grant("507", personalData: true, purpose: "核查项目负责人在岗情况", in: hub.store)
        let unmasked = try Self.object(try await consumer.record(dataset: "507", key: Self.bidderKey))
        #expect((unmasked["data"] as? [String: String])?["PM_CODE"] == "420102198503150012")
        // Personal data shown; the 政务公开 fields the record carries stay masked: a personal-data grant does not open them.
        let government = try #require(try RepositoryPaths.loadedSpec().dataset("507")).fields.filter { $0.disclosure == .government }.map(\.code)
        let storedFields = try #require(try JSONSerialization.jsonObject(with: Data(stored.normalizedPayload.utf8)) as? [String: String])
        #expect(Set(unmasked["masked"] as? [String] ?? []) == Set(government.filter { storedFields[$0] != nil }))
        // The feed masks the same way.
        let feed = try FeedTests.page(try await consumer.feed(datasets: ["500"]))
        #expect(feed.versions.first?.data["CONTACTOR"] == "张*")
        try await hub.stop()
    }

    @Test("不予共享 never leaves the hub, whatever is asked")
    func notSharedNeverLeaves() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A copy of the spec in which 503 is 不予共享.
        let mappings = folder.path + "/Mappings"
        try FileManager.default.copyItem(atPath: RepositoryPaths.mappings, toPath: mappings)
        let file = mappings + "/spec/datasets/503.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "sharing: unconditional", with: "sharing: none")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // A route for everything to a destination that is paused: the outbox shows what would leave.
        let (hub, _) = try await Self.hubWithRecords(in: folder) {
            $0.mappingsDir = mappings
            $0.destinations = [Destination(name: "national", url: "http://127.0.0.1:9/records")]
            $0.routing = RoutingTable(routes: [Route(destination: "national")])
        }
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let queued = try #require(try await hub.store.queueStats(destinations: ["national"]).first)
        // 500, 501, 502 and 507 are queued; 503 (不予共享) is not.
        #expect(queued.pending + queued.inFlight + queued.retrying + queued.dead + queued.delivered == 4)
        let replayed = try await CLI.run(["replay", "--config", try Self.configFile(in: folder, dataDir: hub.dataDir, mappings: mappings),
                                          "--destination", "national", "--since", "1d", "--dataset", "503", "--all-datasets"])
        // Nothing of 503 is waiting, so only the sharing type keeps a replay from queuing it.
        #expect(replayed.status == 0 && replayed.output.contains("queued 0 version"), "\(replayed.output)")

        let feed = try FeedTests.page(try await consumer.feed(limit: 1000))
        #expect(!feed.versions.isEmpty && !feed.versions.contains { $0.dataset == "503" })
        Self.expectRefused(try await consumer.feed(datasets: ["503"]), 403, "sharing.not_shared")
        let announcement = try #require(try await hub.store.feedPage(FeedQuery(after: 0, datasets: ["503"], limit: 1)).versions.first)
        Self.expectRefused(try await consumer.record(dataset: "503", key: announcement.businessKey), 403, "sharing.not_shared")
        try await hub.stop()
    }

    /// A configuration file naming the test's store, spec copy and the `national` destination.
    static func configFile(in folder: TemporaryDirectory, dataDir: String, mappings: String) throws -> String {
        let file = folder.path + "/shuniu.yaml"
        try """
            storage: {dataDir: \(dataDir)}
            paths: {mappings: \(mappings)}
            destinations:
              - {name: national, url: "http://127.0.0.1:9/records"}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("Every read is audited with consumer, query, count, address and purpose; refusals too")
    func readsAudited() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await Self.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)
        try await Fixtures.grant("507", purpose: "招标投标活动监督", in: hub.store)

        _ = try FeedTests.page(try await consumer.feed(datasets: ["502", "507"], limit: 10))
        let entry = try #require(try await hub.store.auditEntries(limit: 1, action: "read.feed").first)
        #expect(entry.actorKind == .consumer && entry.actor == "national-hub" && entry.address == "127.0.0.1")
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(entry.detail.utf8)) as? [String: Any])
        #expect(detail["count"] as? Int == 2)
        #expect((detail["query"] as? String)?.hasPrefix("/api/v1/feed?after=0&datasets=502,507") == true)
        #expect(detail["purposes"] as? [String] == ["招标投标活动监督"])

        _ = try await consumer.record(dataset: "502", key: Self.sectionKey, versions: true)
        let versions = try #require(try await hub.store.auditEntries(limit: 1, action: "read.versions").first)
        #expect(versions.subject == "502/\(Self.sectionKey)")

        _ = try await consumer.record(dataset: "507", key: "nothing|here")
        _ = try await ConsumerClient(baseURL: hub.baseURL, appKey: "ck-national-hub", secret: "wrong").feed()
        // The consumer's own refusal is an entry; the caller that failed to sign is its address's minute.
        let refusals = try await hub.store.auditEntries(limit: 2, action: "read.refused")
        #expect(refusals.map(\.outcome) == ["read.not_found"])
        await hub.hub.writeRefusalSummaries()
        let summary = try #require(try await hub.store.auditEntries(limit: 1, action: "anonymous.refused").first)
        #expect(summary.detail.contains(#""auth.bad_signature":1"#), "\(summary.detail)")
        #expect(try await hub.store.verifyAuditChain().intact)
        try await hub.stop()
    }

    @Test("Bad credentials, replays, tampered queries and suspended consumers are refused with a clear reason")
    func authentication() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await Self.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)

        // An unknown app key is answered as a bad signature (no enumeration); the audit log says which.
        Self.expectRefused(try await ConsumerClient(baseURL: hub.baseURL, appKey: "ck-nobody", secret: "x").feed(), 401, "auth.bad_signature")
        #expect(try await hub.anonymousRefusals()["auth.unknown_app_key"] == 1)
        // A platform's credential is not a consumer's.
        let platformCredential = try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store)
        Self.expectRefused(try await ConsumerClient(baseURL: hub.baseURL, appKey: platformCredential.appKey, secret: platformCredential.secret).feed(), 401, "auth.bad_signature")
        let unsigned = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/feed"))
        Self.expectRefused(unsigned, 401, "auth.missing_credentials")

        #expect(try await consumer.get("/api/v1/feed?after=0", nonce: "n-1").status == 200)
        Self.expectRefused(try await consumer.get("/api/v1/feed?after=0", nonce: "n-1"), 409, "auth.nonce_reused")

        // The query is signed: the same signature over another query fails.
        let headers = try consumer.signing.headers(method: "GET", target: "/api/v1/feed?datasets=500", body: [])
        let tampered = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/feed?datasets=501", headers: headers))
        Self.expectRefused(tampered, 401, "auth.bad_signature")

        let stale = try consumer.signing.headers(method: "GET", target: "/api/v1/feed", body: [], timestamp: Date().addingTimeInterval(-3600))
        Self.expectRefused(try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/feed", headers: stale)), 401, "auth.timestamp_out_of_window")

        try await hub.store.setConsumerStatus("national-hub", to: .suspended, by: "li.na", reason: "合同到期")
        Self.expectRefused(try await consumer.feed(), 403, "consumer.suspended")
        try await hub.store.setConsumerStatus("national-hub", to: .active, by: "li.na", reason: nil)
        #expect(try await consumer.feed().status == 200)
        try await hub.stop()
    }

    @Test("A consumer over its rate limit gets 429 with Retry-After")
    func rateLimited() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let consumer = try await Fixtures.registerConsumer(on: hub, requestsPerMinute: 3)
            for _ in 0..<3 { #expect(try await consumer.feed().status == 200) }
            let limited = try await consumer.feed()
            Self.expectRefused(limited, 429, "read.rate_limited")
            let retryAfter = try #require(limited.headers["retry-after"].flatMap(Int.init))
            #expect((1...20).contains(retryAfter))
            // Another consumer is not held back by it.
            #expect(try await Fixtures.registerConsumer("credit-platform", on: hub).feed().status == 200)
            // Operators see reads and refusals per consumer in the metrics.
            let metrics = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText
            #expect(metrics.contains(#"shuniu_read_requests_total{consumer="national-hub",action="read.feed",outcome="read.rate_limited"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"shuniu_read_requests_total{consumer="national-hub",action="read.feed",outcome="ok"} 3"#))
        }
    }
}
