import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import Testing

/// A blacklist withdrawal (303) follows its original (302) to every destination that received it,
/// and the original stays in history, marked withdrawn (DATA-SPEC §3.5, §3.6).
@Suite("Withdrawals: the original is kept and marked; the withdrawal follows it")
struct WithdrawalTests {
    static let entry = "0b9e7d52-41a3-4c6f-8e2d-5a7c9f1b3d01"

    func keys(_ upstream: SimulatedUpstream) -> [String] {
        upstream.receivedRecords.map(\.key)
    }

    @Test("A 303 routed to the credit platform only also reaches the two supervision platforms that got the 302, not one that never did")
    func withdrawalFollowsOriginal() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let names = ["credit", "supervision-wuhan", "supervision-hubei", "national"]
        var upstreams: [(String, SimulatedUpstream)] = []
        for name in names { upstreams.append((name, try await SimulatedUpstream.start())) }
        let hub = try await DeliveryTests.hub(in: folder, upstreams: upstreams, routes: [
            // Last year's routes sent blacklist entries to the credit platform and both supervisors;
            // withdrawals are routed to the credit platform alone; the national hub takes projects.
            Route(destination: "credit", datasets: ["302", "303"]),
            Route(destination: "supervision-wuhan", datasets: ["302"]),
            Route(destination: "supervision-hubei", datasets: ["302"]),
            Route(destination: "national", datasets: ["500"]),
        ])
        let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["302", "303", "500"]))
        #expect(try await client.send(body: Fixtures.batch([Fixtures.datasetRecord("302")])).status == 200)
        let upstream = Dictionary(uniqueKeysWithValues: upstreams)
        #expect(await eventually { ["credit", "supervision-wuhan", "supervision-hubei"].allSatisfy { keys(upstream[$0]!) == [Self.entry] } })

        let answer = try await client.send(body: Fixtures.batch([Fixtures.datasetRecord("303")]))
        #expect(answer.status == 200 && answer.bodyText.contains(#""status":"accepted""#), "\(answer.bodyText)")
        #expect(await eventually { ["credit", "supervision-wuhan", "supervision-hubei"].allSatisfy { keys(upstream[$0]!).count == 2 } })
        for name in ["credit", "supervision-wuhan", "supervision-hubei"] {
            let received = upstream[name]!.receivedRecords
            #expect(received.map(\.key) == [Self.entry, Self.entry] && received[1].idempotencyKey != received[0].idempotencyKey, "\(name): \(received)")
        }
        #expect(upstream["national"]!.receivedRecords.isEmpty, "the national hub never had the entry")

        // The batch's audit entry says where the withdrawal followed the original beyond its routes.
        let audit = try #require(try await hub.store.auditEntries(limit: 1, action: "ingest.batch").first)
        #expect(audit.detail.contains(#""followedTo":["supervision-wuhan","supervision-hubei"]"#) && audit.detail.contains(#""withdraws":"302/\#(Self.entry)""#), "\(audit.detail)")

        // The original stays: one version, its data unchanged, read as withdrawn.
        let reader = try await Fixtures.registerConsumer(on: hub)
        let latest = try await reader.record(dataset: "302", key: Self.entry)
        #expect(latest.status == 200, "\(latest.bodyText)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(latest.body)) as? [String: Any])
        #expect(document["version"] as? Int == 1)
        let marks = try #require(document["withdrawnBy"] as? [[String: Any]], "\(latest.bodyText)")
        #expect(marks.count == 1 && marks[0]["dataset"] as? String == "303" && marks[0]["key"] as? String == Self.entry && marks[0]["version"] as? Int == 1)
        let versions = try await reader.record(dataset: "302", key: Self.entry, versions: true)
        #expect(versions.bodyText.contains(#""withdrawnBy":[{"#), "\(versions.bodyText)")
        let feed = try await reader.feed(datasets: ["302"])
        #expect(feed.bodyText.contains(#""withdrawnBy":[{"#), "\(feed.bodyText)")
        // The operator's view: versions, where each went, the withdrawal; personal fields masked
        // unless asked for, and then the read is audited.
        let shown = try await CLI.run(["records", "show", "302", Self.entry, "--data-dir", hub.dataDir])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("WITHDRAWN by 303 \(Self.entry) version 1"), "\(shown.output)")
        for name in ["credit", "supervision-wuhan", "supervision-hubei"] {
            #expect(shown.output.split(separator: "\n").contains { $0.hasPrefix(name) && $0.contains("delivered") }, "\(name): \(shown.output)")
        }
        #expect(shown.output.contains("personal fields masked") && !shown.output.contains("91420100MA4K000537"), "\(shown.output)")
        let unmasked = try await CLI.run(["records", "show", "302", Self.entry, "--personal-data", "--operator", "zhou.min", "--json", "--data-dir", hub.dataDir])
        #expect(unmasked.status == 0 && unmasked.output.contains(#""personalDataMasked" : false"#) && unmasked.output.contains("91420100MA4K000537"), "\(unmasked.output)")
        let read = try #require(try await hub.store.auditEntries(limit: 1, action: "record.read").first)
        #expect(read.actor == "zhou.min" && read.subject == "302/\(Self.entry)")
        let unknown = try await CLI.run(["records", "show", "302", "no-such-entry", "--data-dir", hub.dataDir])
        #expect(unknown.status != 0 && unknown.output.contains("no record 302 no-such-entry"), "\(unknown.output)")

        // A record nobody withdrew carries no mark.
        #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500")])).status == 200)
        let project = try await reader.record(dataset: "500", key: "E4201000001000001")
        #expect(project.status == 200 && !project.bodyText.contains("withdrawnBy"), "\(project.bodyText)")

        try await hub.stop()
        for (_, server) in upstreams { try await server.stop() }
    }

    @Test("A withdrawal follows an original still waiting in a paused queue, and the two arrive once the queue resumes")
    func followsPendingOriginal() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let credit = try await SimulatedUpstream.start()
        let supervision = try await SimulatedUpstream.start()
        let hub = try await DeliveryTests.hub(in: folder, upstreams: [("credit", credit), ("supervision", supervision)], routes: [
            Route(destination: "credit", datasets: ["302", "303"]),
            Route(destination: "supervision", datasets: ["302"]),
        ])
        try await hub.store.setDestinationPaused("supervision", paused: true, by: "test", reason: nil)
        let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["302", "303"]))
        // Sent together: the withdrawal finds the original stored earlier in the same commit.
        #expect(try await client.send(body: Fixtures.batch([Fixtures.datasetRecord("302"), Fixtures.datasetRecord("303")])).status == 200)
        let queued = try await DeliveryTests.stats(hub, "supervision")
        #expect(queued.pending == 2, "\(queued)")
        // 303 must reach it within 3 working days: not overdue now, overdue if it still waits in ten days.
        let deadlines = WithdrawalDeadlines(spec: hub.hub.spec, store: hub.store)
        #expect(try await deadlines.overdue().isEmpty)
        let later = try await deadlines.overdue(at: Date().addingTimeInterval(10 * 86_400)).first { $0.destination == "supervision" }
        #expect(later?.count == 1, "only the withdrawal has a deadline: \(String(describing: later))")
        try await hub.store.setDestinationPaused("supervision", paused: false, by: "test", reason: nil)
        #expect(await eventually { supervision.receivedRecords.count == 2 })
        #expect(await eventually { credit.receivedRecords.count == 2 })
        try await hub.stop()
        try await credit.stop()
        try await supervision.stop()
    }

    @Test("Only the platform that is the source of a blacklist entry may withdraw it (一数一源)")
    func onlyTheOwnerWithdraws() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let owner = hub.client(try await Fixtures.register(in: hub.store, datasets: ["302", "303"]))
            let other = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store, datasets: ["302", "303"]))
            #expect(try await owner.send(body: Fixtures.batch([Fixtures.datasetRecord("302")])).status == 200)

            let refused = try await other.send(body: Fixtures.batch([Fixtures.datasetRecord("303")]))
            #expect(refused.status == 422 && refused.bodyText.contains("reference.other_owner") && refused.bodyText.contains("only it may withdraw it"), "\(refused.bodyText)")
            let original = try #require(try await hub.store.latestVersion(dataset: "302", key: Self.entry))
            #expect(try await hub.store.withdrawals(records: [original.hubId]).isEmpty, "the entry stays in force")

            #expect(try await owner.send(body: Fixtures.batch([Fixtures.datasetRecord("303")])).status == 200)
            #expect(try await hub.store.withdrawals(records: [original.hubId])[original.hubId]?.count == 1)
        }
    }
}
