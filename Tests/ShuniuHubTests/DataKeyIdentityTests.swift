import Foundation
import GRDB
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import Testing
@testable import ShuniuStore

/// Record identity as the spec has it: the sender's DATA_KEY, updates as versions, deletes as
/// tombstones that travel upstream, the RepeatCols duplicate check, and stores from before.
@Suite("Record identity: DATA_KEY, updates, tombstones, duplicate checks, older stores")
struct DataKeyIdentityTests {
    static let noticeKey = "ZB-2026-0001"
    /// 503's key: the tender project, then the DATA_KEY scoped to its platform.
    static let storedNoticeKey = "E4201000001000001001|E4201000001:ZB-2026-0001"

    func send(_ client: IngestClient, _ records: [[String: Any]]) async throws -> IngestAnswer {
        let response = try await client.send(body: Fixtures.batch(records))
        return try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    func notice(changing changes: [String: Any] = [:], dataKey: String = noticeKey, operation: String? = nil) throws -> [String: Any] {
        var record = try Fixtures.record("503", changing: changes)
        record["dataKey"] = dataKey
        if let operation { record["operation"] = operation }
        return record
    }

    func delete(_ dataset: String, dataKey: String? = nil, data: [String: Any]? = nil) -> [String: Any] {
        var record: [String: Any] = ["dataset": dataset, "operation": "delete"]
        if let dataKey { record["dataKey"] = dataKey }
        if let data { record["data"] = data }
        return record
    }

    /// The feed's versions as JSON objects.
    func feed(_ consumer: ConsumerClient, datasets: [String]) async throws -> [[String: Any]] {
        let response = try await consumer.feed(after: "0", datasets: datasets, limit: 100)
        #expect(response.status == 200, "\(response.bodyText)")
        let page = try JSONSerialization.jsonObject(with: Data(response.body)) as! [String: Any]
        return page["versions"] as! [[String: Any]]
    }

    @Test("Insert by DATA_KEY, update by the same DATA_KEY, delete: three versions, the last a tombstone in records, versions and feed, delivered upstream as a delete")
    func insertUpdateDelete() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.deliverEverything(to: upstream.url) }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let first = try await send(client, Fixtures.sampleRecords())
            #expect(first.accepted == 4, "\(first.results)")
            #expect(first.results[3].key == Self.storedNoticeKey)

            // The same DATA_KEY with other content: a new version of the same record.
            let updated = try await send(client, [notice(changing: ["NOTICE_NAME": "示范学校新建工程施工招标公告（更正）"])])
            #expect(updated.results.map(\.status) == ["accepted"] && updated.results[0].version == 2, "\(updated.results)")
            #expect(updated.results[0].hubId == first.results[3].hubId)
            // An insert (DATA_TYPE 1) of a record that exists is refused; so is an update of one that does not.
            let insertAgain = try await send(client, [notice(changing: ["NOTICE_NAME": "又一版"], operation: "insert")])
            #expect(insertAgain.results[0].problems?.map(\.code) == ["record.exists"], "\(insertAgain.results)")
            let updateUnknown = try await send(client, [notice(changing: ["NOTICE_NAME": "无此公告", "URL": "https://ggzy.example.invalid/notice/none"], dataKey: "ZB-NONE", operation: "2")])
            #expect(updateUnknown.results[0].problems?.map(\.code) == ["record.unknown"], "\(updateUnknown.results)")

            // A delete names the record by its DATA_KEY alone.
            let deleted = try await send(client, [delete("503", dataKey: Self.noticeKey)])
            #expect(deleted.results.map(\.status) == ["accepted"] && deleted.results[0].version == 3, "\(deleted.results)")
            #expect(deleted.results[0].key == Self.storedNoticeKey)
            // Sent again, it changes nothing.
            let again = try await send(client, [delete("503", dataKey: Self.noticeKey)])
            #expect(again.results.map(\.status) == ["duplicate"] && again.results[0].version == 3, "\(again.results)")

            let versions = try await hub.store.versions(dataset: "503", key: Self.storedNoticeKey)
            #expect(versions.map(\.operation) == [.insert, .update, .delete])
            #expect(versions.map(\.dataKey) == [Self.noticeKey, Self.noticeKey, Self.noticeKey])
            // The tombstone keeps the last content; nothing is erased.
            #expect(versions[2].normalizedPayload == versions[1].normalizedPayload && versions[2].isDeleted)
            #expect(try await hub.store.versionCount() == 6)

            let consumer = try await Fixtures.registerConsumer(on: hub)
            let fed = try await feed(consumer, datasets: ["503"])
            #expect(fed.map { $0["operation"] as? String } == ["insert", "update", "delete"], "\(fed)")
            #expect(fed.allSatisfy { $0["dataKey"] as? String == Self.noticeKey })
            let latest = try await consumer.record(dataset: "503", key: Self.storedNoticeKey)
            #expect(latest.status == 200 && latest.bodyText.contains("\"operation\":\"delete\""), "\(latest.bodyText)")

            // Upstream: the three versions, the last a delete carrying the record's last data.
            #expect(await eventually { upstream.receivedRecords.filter { $0.key == Self.storedNoticeKey }.count == 3 })
            let documents = upstream.received.flatMap { received -> [[String: Any]] in
                let body = try? JSONSerialization.jsonObject(with: Data(received.body)) as? [String: Any]
                return body?["records"] as? [[String: Any]] ?? []
            }.filter { $0["key"] as? String == Self.storedNoticeKey }
            #expect(documents.map { $0["operation"] as? String } == ["insert", "update", "delete"])
            let tombstone = try #require(documents.last)
            #expect((tombstone["data"] as? [String: Any])?["NOTICE_NAME"] as? String == "示范学校新建工程施工招标公告（更正）")
            #expect(tombstone["version"] as? Int == 3 && tombstone["dataKey"] as? String == Self.noticeKey)

            let shown = try await CLI.run(["records", "show", "503", Self.storedNoticeKey, "--data-dir", hub.dataDir])
            #expect(shown.output.contains("DELETED by its source in version 3") && shown.output.contains("DATA_KEY \(Self.noticeKey)"), "\(shown.output)")
            // The audit trail holds every step.
            let report = try await hub.store.verifyAudit()
            #expect(report.intact && report.versions == 6, "\(report)")
        }
        try await upstream.stop()
    }

    @Test("Only the owner deletes (一数一源); a delete of an unknown record, or without DATA_KEY or key, is refused; a DATA_KEY is scoped to its platform")
    func deleteRights() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let owner = hub.client(try await Fixtures.register(in: hub.store))
            let other = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store))
            #expect(try await send(owner, Fixtures.sampleRecords()).accepted == 4)

            // 500 keeps its business key: another platform's delete by PROJECT_CODE is refused.
            let project = try await send(other, [delete("500", data: ["PROJECT_CODE": "E4201000001000001"])])
            #expect(project.results[0].problems?.map(\.code) == ["record.key_owned_by_other_platform"], "\(project.results)")
            // The other platform's DATA_KEY names its own records: it has none by that id.
            let othersNotice = try await send(other, [delete("503", dataKey: Self.noticeKey)])
            #expect(othersNotice.results[0].problems?.map(\.code) == ["record.unknown"], "\(othersNotice.results)")
            let unknown = try await send(owner, [delete("503", dataKey: "ZB-NONE")])
            #expect(unknown.results[0].problems?.map(\.code) == ["record.unknown"], "\(unknown.results)")
            let unnamed = try await send(owner, [delete("500", data: ["PROJECT_NAME": "武汉市江岸区示范学校新建工程"])])
            #expect(unnamed.results[0].problems?.map(\.code) == ["record.data_key_missing"], "\(unnamed.results)")
            let badOperation = try await send(owner, [notice(operation: "erase")])
            #expect(badOperation.results[0].problems?.map(\.code) == ["record.operation"], "\(badOperation.results)")
            // A record of a dataset identified by DATA_KEY must carry one.
            var keyless = try Fixtures.record("503")
            keyless.removeValue(forKey: "dataKey")
            let missing = try await send(owner, [keyless])
            #expect(missing.results[0].problems?.map(\.code) == ["record.data_key_missing"], "\(missing.results)")
            #expect(missing.results[0].problems?.first?.path == "$.records[0].dataKey")
            for version in try await hub.store.versions(dataset: "503", key: Self.storedNoticeKey) { #expect(!version.isDeleted) }
            #expect(try await hub.store.versionCount() == 4)

            // The owner deletes the project by its key fields: a tombstone, version 2.
            let deleted = try await send(owner, [delete("500", data: ["PROJECT_CODE": "E4201000001000001"])])
            #expect(deleted.results.map(\.status) == ["accepted"] && deleted.results[0].version == 2, "\(deleted.results)")
            // A deleted project is no reference: a new tender project under it is refused.
            let orphan = try await send(owner, [Fixtures.record("501", changing: ["TENDER_PROJECT_CODE": "E4201000001000001002"])])
            #expect(orphan.results[0].problems?.map(\.code).contains("reference.missing") == true, "\(orphan.results)")
            // The other platform's records with the same DATA_KEY are its own.
            let theirs = try await send(other, [Fixtures.record("501", changing: [
                "TENDER_PROJECT_CODE": "E4201000002000001001", "PROJECT_CODE": "E4201000002000001", "TENDER_PROJECT_NAME": "另一平台的项目",
            ])])
            #expect(theirs.results[0].status == "rejected")  // its project is not in the hub: the reference is missing
        }
    }

    @Test("An insert repeating another live record's RepeatCols values from the same platform is refused; after a delete it is taken")
    func repeatColsDuplicate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await send(client, Fixtures.sampleRecords()).accepted == 4)

            // Another DATA_KEY, the same NOTICE_NAME, URL, NOTICE_NATURE and BULLETIN_TYPE.
            let repeated = try await send(client, [notice(changing: ["NOTICE_CONTENT": "同一公告再发一次"], dataKey: "ZB-2026-0002")])
            let problem = try #require(repeated.results[0].problems?.first, "\(repeated.results)")
            #expect(problem.code == "record.duplicate_values")
            #expect(problem.message.contains(Self.storedNoticeKey) && problem.message.contains("RepeatCols"), "\(problem.message)")
            // One differing value is another notice.
            let distinct = try await send(client, [notice(changing: ["URL": "https://ggzy.example.invalid/notice/ZB-2026-0002"], dataKey: "ZB-2026-0002")])
            #expect(distinct.results.map(\.status) == ["accepted"], "\(distinct.results)")
            // 500 keeps PROJECT_CODE as its key; its RepeatCols still refuse a copy under another code.
            let copy = try await send(client, [Fixtures.record("500", changing: ["PROJECT_CODE": "E4201000001000009"])])
            #expect(copy.results[0].problems?.map(\.code) == ["record.duplicate_values"], "\(copy.results)")

            // Once the original is deleted, the repeat is no repeat.
            #expect(try await send(client, [delete("503", dataKey: Self.noticeKey)]).results[0].status == "accepted")
            let after = try await send(client, [notice(changing: ["NOTICE_CONTENT": "同一公告再发一次"], dataKey: "ZB-2026-0003")])
            #expect(after.results.map(\.status) == ["accepted"], "\(after.results)")
        }
    }

    @Test("A mapped payload names its record by the DATA_KEY target and deletes it with DATA_TYPE 3")
    func mappedDelete() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let samples = RepositoryPaths.root + "/Ops/samples/platforms/E4201000004/"
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(PlatformID(rawValue: "E4201000004")!, in: hub.store))
            for name in ["project", "tender-project", "sections", "bulletin"] {
                let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(try await client.send(body: Array(Data(contentsOf: URL(fileURLWithPath: samples + name + ".json")))).body))
                #expect(answer.rejected == 0 && answer.accepted > 0, "\(name): \(answer.results)")
            }
            let key = "E4201000004000012001|E4201000004:ZBGG-2026-0012"
            #expect(try await hub.store.versions(dataset: "503", key: key).map(\.dataKey) == ["ZBGG-2026-0012"])

            var bulletin = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: samples + "bulletin.json"))) as! [String: Any]
            bulletin["操作类型"] = "3"
            let deleted = try JSONDecoder().decode(IngestAnswer.self, from: Data(try await client.send(body: Array(JSONSerialization.data(withJSONObject: bulletin))).body))
            #expect(deleted.results.map(\.status) == ["accepted"] && deleted.results[0].key == key && deleted.results[0].version == 2, "\(deleted.results)")
            #expect(try await hub.store.versions(dataset: "503", key: key).map(\.operation) == [.insert, .delete])
            bulletin["操作类型"] = "9"
            let unknown = try JSONDecoder().decode(IngestAnswer.self, from: Data(try await client.send(body: Array(JSONSerialization.data(withJSONObject: bulletin))).body))
            #expect(unknown.results[0].problems?.map(\.code) == ["record.operation"], "\(unknown.results)")
        }
    }

    @Test("A store from before DATA_KEY identity migrates: its records keep their keys and versions, audit verify passes, and they take updates and deletes")
    func olderStoreMigrates() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await RunningHub.withRunning(dataDir: dataDir) { hub in
            let credential = try await Fixtures.register(in: hub.store, datasets: ["500", "501", "502"])
            let client = hub.client(credential)
            #expect(try await send(client, Array(Fixtures.sampleRecords().prefix(3))).accepted == 3)
            #expect(try await send(client, [Fixtures.record("502", changing: ["BID_SECTION_NAME": "施工一标段（调整）"])]).accepted == 1)
            return credential
        }
        let path = dataDir + "/" + HubStore.fileName
        try Self.makeOlder(path)
        #expect(try Self.columns(path, "record_version").contains("operation") == false)

        try await RunningHub.withRunning(dataDir: dataDir) { hub in
            let versions = try await hub.store.versions(dataset: "502", key: "E4201000001000001001001")
            #expect(versions.map(\.version) == [1, 2] && versions.map(\.operation) == [.insert, .update])
            #expect(versions.allSatisfy { $0.dataKey == nil } && versions[1].normalizedPayload.contains("施工一标段（调整）"))
            #expect(try await hub.store.versionCount() == 4)
            let report = try await hub.store.verifyAudit()
            #expect(report.intact && report.versions == 4 && report.records == 3, "\(report)")

            // The migrated records take new versions and tombstones under their old keys.
            let client = hub.client(credential)
            let update = try await send(client, [Fixtures.record("502", changing: ["BID_SECTION_NAME": "施工一标段（再调整）"])])
            #expect(update.results.map(\.version) == [3] && update.results[0].key == "E4201000001000001001001", "\(update.results)")
            let deleted = try await send(client, [delete("500", data: ["PROJECT_CODE": "E4201000001000001"])])
            #expect(deleted.results.map(\.status) == ["accepted"] && deleted.results[0].version == 2, "\(deleted.results)")
            #expect(try await hub.store.versions(dataset: "500", key: "E4201000001000001").map(\.operation) == [.insert, .delete])
        }
        try await InProcessCommand.run(["audit", "verify", "--data-dir", dataDir])
    }

    /// Turns a store into one as the hub wrote it before migration 16: without the columns and
    /// indexes it and the later migrations added, and without their rows in the migrations table.
    /// The schema must then equal a fresh store migrated up to 15.
    static func makeOlder(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP INDEX record_by_data_key;
                DROP INDEX record_by_unique_values;
                ALTER TABLE record DROP COLUMN data_key;
                ALTER TABLE record DROP COLUMN deleted;
                ALTER TABLE record DROP COLUMN unique_values;
                ALTER TABLE record_version DROP COLUMN data_key;
                ALTER TABLE record_version DROP COLUMN operation;
                DELETE FROM grdb_migrations WHERE identifier = '16-data-key-identity';
                ALTER TABLE record_version DROP COLUMN extra;
                ALTER TABLE platform DROP COLUMN strict_fields;
                ALTER TABLE data_grant DROP COLUMN government;
                DELETE FROM grdb_migrations WHERE identifier = '18-record-extra';
                """)
        }
        try queue.close()
        let fresh = try DatabaseQueue()
        try HubStore.migrator.migrate(fresh, upTo: "15-keyed-audit-chain")
        for table in ["record", "record_version"] {
            let expected = try fresh.read { db in try db.columns(in: table).map(\.name) }
            #expect(try columns(path, table) == expected, "\(table) is not as migration 15 left it")
        }
    }

    static func columns(_ path: String, _ table: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try db.columns(in: table).map(\.name) }
    }
}
