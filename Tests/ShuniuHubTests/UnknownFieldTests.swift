import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Fields a record carries that its dataset does not define, through a real hub on loopback: kept
/// under `extra` with a warning, read, fed and delivered with the record, masked for consumers
/// when they look personal; refused for a platform set strict.
@Suite("Unknown fields: kept, delivered, shared, masked; refused when strict")
struct UnknownFieldTests {
    static func answer(_ response: ReceivedResponse) throws -> IngestAnswer {
        try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    /// The `extra` member of the record `key` in a feed answer or a delivery body (`versions` or `records`).
    static func extra(of key: String, in body: [UInt8], list: String) throws -> [String: String]? {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let items = try #require(object[list] as? [[String: Any]])
        return items.first { $0["key"] as? String == key }?["extra"] as? [String: String]
    }

    @Test("An unknown field is kept with a warning, read, fed and delivered with the record; a personal-looking one is masked for a consumer")
    func unknownFieldKept() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await DeliveryTests.hub(in: folder, upstreams: [("national", upstream)])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        let record = try Fixtures.record("500", changing: ["GREEN_BUILDING_LEVEL": "二星", "MANAGER_MOBILE": "13800001111"])
        let key = try #require((record["data"] as? [String: Any])?["PROJECT_CODE"] as? String)

        let answer = try Self.answer(try await client.send(body: Fixtures.batch([record])))
        #expect(answer.accepted == 1, "\(answer)")
        let warnings = answer.results.first?.warnings ?? []
        #expect(warnings.map(\.code) == ["field.unknown", "field.unknown"])
        #expect(Set(warnings.map(\.path)) == ["$.records[0].data.GREEN_BUILDING_LEVEL", "$.records[0].data.MANAGER_MOBILE"])

        // Stored beside the spec's fields, not mixed into them.
        let stored = try #require(try await hub.store.latestVersion(dataset: "500", key: key))
        #expect(stored.extra == #"{"GREEN_BUILDING_LEVEL":"二星","MANAGER_MOBILE":"13800001111"}"#)
        #expect(!stored.normalizedPayload.contains("GREEN_BUILDING_LEVEL"))
        #expect(stored.flags?.contains("field.unknown") == true)

        // Delivered upstream whole: a government platform gets what the trading platform sent.
        #expect(await eventually { upstream.receivedRecords.contains { $0.key == key } })
        let delivery = try #require(upstream.received.first { $0.records.contains { $0.key == key } })
        #expect(try Self.extra(of: key, in: delivery.body, list: "records") == ["GREEN_BUILDING_LEVEL": "二星", "MANAGER_MOBILE": "13800001111"])

        // Read and fed with it; the mobile number masked for a consumer without personal data, and named.
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let read = try SharingTests.object(try await consumer.record(dataset: "500", key: key))
        #expect(read["extra"] as? [String: String] == ["GREEN_BUILDING_LEVEL": "二星", "MANAGER_MOBILE": "138****1111"])
        #expect((read["masked"] as? [String])?.contains("extra.MANAGER_MOBILE") == true, "\(read)")
        #expect((read["data"] as? [String: String])?["GREEN_BUILDING_LEVEL"] == nil)
        let feed = try await consumer.feed(datasets: ["500"])
        #expect(try Self.extra(of: key, in: feed.body, list: "versions") == ["GREEN_BUILDING_LEVEL": "二星", "MANAGER_MOBILE": "138****1111"])
        try await Fixtures.grant("500", personalData: true, in: hub.store)
        let unmasked = try SharingTests.object(try await consumer.record(dataset: "500", key: key))
        #expect((unmasked["extra"] as? [String: String])?["MANAGER_MOBILE"] == "13800001111")

        // The same again is a duplicate; a changed unknown field is a new version.
        #expect(try Self.answer(try await client.send(body: Fixtures.batch([record]))).duplicate == 1)
        let changed = try Fixtures.record("500", changing: ["GREEN_BUILDING_LEVEL": "三星", "MANAGER_MOBILE": "13800001111"])
        let second = try Self.answer(try await client.send(body: Fixtures.batch([changed])))
        #expect(second.accepted == 1 && second.results.first?.version == 2, "\(second)")
        // The audit chain covers the kept fields and still verifies.
        let report = try await hub.store.verifyAudit()
        #expect(report.intact, "\(report.damage)")
        try await hub.stop()
        try await upstream.stop()

        // A kept field changed behind the hub's back, or dropped, is seen as an altered version.
        for (version, tampering) in [(1, #"UPDATE record_version SET extra = '{"GREEN_BUILDING_LEVEL":"一星","MANAGER_MOBILE":"13800001111"}' WHERE version = 1"#),
                                     (2, "UPDATE record_version SET extra = NULL WHERE version = 2")] {
            try StoreTampering.write(databasePath: hub.dataDir + "/" + HubStore.fileName) { db in try db.execute(sql: tampering) }
            let store = try HubStore(directory: hub.dataDir, create: false)
            let tampered = try await store.verifyAudit()
            try store.close()
            #expect(tampered.damage(.versionAltered)?.examples.contains { $0.hasSuffix("|v\(version)") } == true, "\(tampering): \(tampered)")
        }
    }

    @Test("A strict platform's unknown field refuses the record with field.unknown; nothing is stored")
    func strictPlatformRefuses() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let strict = try await hub.store.setStrictFields(Fixtures.platformID, to: true, by: "li.na")
            #expect(strict.strictFields)
            let record = try Fixtures.record("500", changing: ["GREEN_BUILDING_LEVEL": "二星"])
            let answer = try Self.answer(try await client.send(body: Fixtures.batch([record])))
            #expect(answer.rejected == 1, "\(answer)")
            #expect(answer.results.first?.problems?.map(\.code) == ["field.unknown"])
            #expect(answer.results.first?.problems?.first?.path == "$.records[0].data.GREEN_BUILDING_LEVEL")
            #expect(try await hub.store.versionCount() == 0)
            // Off again: kept.
            try await hub.store.setStrictFields(Fixtures.platformID, to: false, by: "li.na")
            #expect(try Self.answer(try await client.send(body: Fixtures.batch([record]))).accepted == 1)
        }
    }

    @Test("A 政务公开 field is masked and named for a consumer without a government grant, shown with one")
    func governmentFieldsMasked() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await SharingTests.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let spec = try RepositoryPaths.loadedSpec()

        // 503's 政务公开 fields that are not personal: masked for a 社会 consumer, whatever they are called.
        let government = Set(try #require(spec.dataset("503")).fields.filter { $0.disclosure == .government && !$0.personal }.map(\.code))
        #expect(!government.isEmpty)
        let notice = try #require(try await hub.store.feedPage(FeedQuery(after: 0, datasets: ["503"], limit: 1)).versions.first)
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(notice.normalizedPayload.utf8)) as? [String: String])
        let sent = government.filter { stored[$0] != nil }
        #expect(!sent.isEmpty, "the sample 503 record carries none of \(government)")
        let social = try SharingTests.object(try await consumer.record(dataset: "503", key: notice.businessKey))
        let socialData = try #require(social["data"] as? [String: String])
        for code in sent {
            #expect(socialData[code] != stored[code] && socialData[code]?.contains("*") == true, "\(code): \(socialData[code] ?? "-")")
            #expect((social["masked"] as? [String])?.contains(code) == true, "\(code) not named in \(social["masked"] ?? "-")")
        }

        // 500's 联系方式 is personal and 政务公开: a personal-data grant alone does not show it; both do.
        try await Fixtures.grant("500", personalData: true, in: hub.store)
        let personalOnly = try SharingTests.object(try await consumer.record(dataset: "500", key: "E4201000001000001"))
        #expect((personalOnly["data"] as? [String: String])?["CONTACTOR"]?.contains("*") == false)
        #expect(personalOnly["masked"] as? [String] == ["CONTACT_INFORMATION"])

        let grant = try await hub.store.addGrant(DataGrant(
            consumer: "national-hub", dataset: "503", purpose: "招标投标活动监督", personalData: false, approvedBy: "li.na",
            grantedAt: Date().addingTimeInterval(-60), expiresAt: Date().addingTimeInterval(3600), government: true
        ))
        try await hub.store.addGrant(DataGrant(
            consumer: "national-hub", dataset: "500", purpose: "招标投标活动监督", personalData: false, approvedBy: "li.na",
            grantedAt: Date().addingTimeInterval(-60), expiresAt: Date().addingTimeInterval(3600), government: true
        ))
        let governmentRead = try SharingTests.object(try await consumer.record(dataset: "503", key: notice.businessKey))
        let governmentData = try #require(governmentRead["data"] as? [String: String])
        for code in sent { #expect(governmentData[code] == stored[code], "\(code)") }
        #expect(((governmentRead["masked"] as? [String]) ?? []).allSatisfy { !sent.contains($0) })
        let both = try SharingTests.object(try await consumer.record(dataset: "500", key: "E4201000001000001"))
        #expect((both["data"] as? [String: String])?["CONTACT_INFORMATION"]?.contains("*") == false)
        #expect(both["masked"] == nil)

        // The grant's change is audited with what it opens.
        let audit = try await hub.store.auditEntries(limit: 5, action: "grant.add")
        #expect(audit.contains { $0.detail.contains("\"grant\":\"\(grant.id)\"") && $0.detail.contains("\"government\":\"yes\"") }, "\(audit.map(\.detail))")
        try await hub.stop()
    }

    @Test("Operators set a platform strict and grant 政务公开 fields from the CLI; both are audited")
    func commands() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.path
        let store = try HubStore(directory: dataDir)
        try await Fixtures.register(in: store)
        try store.close()
        let platform = Fixtures.platformID.rawValue

        let strict = try await CLI.run(["platforms", "set-strict-fields", platform, "on", "--data-dir", dataDir, "--operator", "li.na"])
        #expect(strict.status == 0 && strict.output.contains("refused"), "\(strict.output)")
        #expect(try await CLI.run(["platforms", "show", platform, "--data-dir", dataDir]).output.contains("refused (strict)"))
        #expect(try await CLI.run(["platforms", "set-strict-fields", platform, "maybe", "--data-dir", dataDir]).status != 0)

        #expect(try await CLI.run(["consumers", "add", "--id", "national-hub", "--name", "全国公共资源交易平台", "--data-dir", dataDir]).status == 0)
        // 500 is 无条件共享: a grant for it is only for what is masked, here its 政务公开 fields.
        let grant = try await CLI.run(["grants", "add", "--consumer", "national-hub", "--dataset", "500", "--purpose", "招标投标活动监督",
                                       "--until", "2099-12-31", "--government", "--data-dir", dataDir, "--operator", "li.na"])
        #expect(grant.status == 0 && grant.output.contains("政务公开"), "\(grant.output)")
        let reopened = try HubStore(directory: dataDir, create: false)
        let stored = try #require(try await reopened.grants(consumer: "national-hub").first)
        #expect(stored.government && !stored.personalData)
        #expect(try await reopened.platform(Fixtures.platformID)?.strictFields == true)
        let audit = try await reopened.auditEntries(limit: 10)
        #expect(audit.contains { $0.action == "platform.strict_fields" && $0.actor == "li.na" && $0.detail.contains("strict") })
        #expect(audit.contains { $0.action == "grant.add" && $0.detail.contains("\"government\":\"yes\"") })
        try reopened.close()
    }
}
