import ArgumentParser
import Foundation
import GRDB
import ShuniuApp
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Testing

/// `shuniu audit verify` against stores tampered with behind the hub's back: each kind of
/// damage is found and named, and an untouched store verifies clean.
@Suite("Audit verification")
struct AuditVerifyTests {
    /// A store a real hub made: one platform, three records pushed and one of them changed
    /// (version 2), each routed to a paused destination, and 120 operator entries; the hub
    /// stopped, so its checkpoints name every entry.
    func hubStore(in folder: TemporaryDirectory, name: String = "data") async throws -> String {
        let dataDir = folder.file(name)
        try await RunningHub.withRunning(dataDir: dataDir, adjust: { configuration in
            configuration.destinations = [Destination(name: "upstream", url: "http://127.0.0.1:9/")]
            configuration.routing = RoutingTable(routes: [Route(destination: "upstream")])
        }) { hub in
            try await hub.store.setDestinationPaused("upstream", paused: true, by: "test", reason: nil)
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)
            var changed = try Fixtures.projects(count: 1)
            var data = try #require(changed[0]["data"] as? [String: Any])
            data["PROJECT_NAME"] = "测试项目 改名"
            changed[0]["data"] = data
            #expect(try await client.send(body: Fixtures.batch(changed)).status == 200)
            for number in 0..<120 {
                try await hub.store.appendAudit(AuditEvent(actorKind: .operator, actor: "test", action: "test.note", subject: String(number)))
            }
        }
        return dataDir
    }

    func database(_ dataDir: String) -> String { dataDir + "/" + HubStore.fileName }

    func verify(_ dataDir: String) async throws -> AuditChainReport {
        let store = try HubStore(directory: dataDir, create: false)
        defer { try? store.close() }
        return try await store.verifyAudit(checkpoints: AuditCheckpointLog(path: dataDir + "/audit-checkpoints.log").checkpoints())
    }

    /// The record changed to version 2, as stored: its record id and business key.
    func changedRecord(_ dataDir: String) throws -> (id: Int64, key: String) {
        let queue = try DatabaseQueue(path: database(dataDir))
        defer { try? queue.close() }
        let row = try #require(try queue.read { db in try Row.fetchOne(db, sql: "SELECT id, business_key FROM record WHERE latest_version = 2") })
        return (row["id"], row["business_key"])
    }

    @Test("Instances making the audit key file at once all get the one key written whole, never a half-written file")
    func keyMadeOnceByRacers() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for round in 0..<300 {
            let path = folder.path + "/keys/audit-\(round).key"
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try AuditKey.create(path: path).id }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys.count == 1)
            #expect(try AuditKey.load(path: path)?.id == keys.first)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/keys").count == 300)
    }

    @Test("An untouched store made by a real hub verifies clean, with its checkpoints, versions, owners and deliveries; audit verify says so and exits 0")
    func untouchedStoreIsClean() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        let report = try await verify(dataDir)
        #expect(report.intact && report.damage.isEmpty && report.notes.isEmpty, "\(report)")
        #expect(report.entries >= 123 && report.versions == 4 && report.records == 3 && report.deliveries == 4 && report.checkpoints >= 2, "\(report)")
        #expect(report.keyedFrom == 1)
        try await InProcessCommand.run(["audit", "verify", "--data-dir", dataDir])
        let mode = try FileManager.default.attributesOfItem(atPath: dataDir + "/audit.key")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test("Removing the newest entries is seen against the checkpoints: the last one, the last 100, every one", arguments: [1, 100, Int.max])
    func truncationDetected(removed: Int) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit_entry") ?? 0
            try db.execute(sql: "DELETE FROM audit_entry WHERE id > ?", arguments: [removed == Int.max ? 0 : last - Int64(removed)])
        }
        let report = try await verify(dataDir)
        let truncated = try #require(report.damage(.chainTruncated), "\(report)")
        #expect(!report.intact && truncated.examples.first?.contains("the store has") == true, "\(report)")
        #expect(report.damage(.chainBroken) == nil, "the chain that is left is consistent: only the checkpoints show what is gone")
    }

    @Test("An entry edited and the chain recomputed after it is seen: with plain SHA-256 as before keying, and with a key that is not the hub's", arguments: [
        StoreTampering.Rehash.sha256, .hmac(Array(repeating: 7, count: 32)),
    ])
    func rechainedEditDetected(rule: StoreTampering.Rehash) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            try db.execute(sql: "UPDATE audit_entry SET actor = 'mallory' WHERE id = 50")
            try StoreTampering.rechain(from: 50, rule: rule, in: db)
        }
        let report = try await verify(dataDir)
        #expect(report.firstBrokenID == 50 && report.damage(.chainBroken)?.examples.first == "entry 50", "\(report)")
        #expect(report.damage(.chainRewritten) != nil, "the checkpoints named the old hashes")
    }

    @Test("Removing the keyed-chain marker to recompute every entry unkeyed is seen: the checkpoints recorded where keying began")
    func downgradeDetected() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            try db.execute(sql: "DELETE FROM audit_chain_key")
            try db.execute(sql: "UPDATE audit_entry SET actor = 'mallory' WHERE id = 50")
            try StoreTampering.rechain(from: 1, rule: .sha256, in: db)
        }
        let report = try await verify(dataDir)
        #expect(report.damage(.chainRekeyed) != nil && report.damage(.chainRewritten) != nil && !report.intact, "\(report)")

        // Moving the marker instead breaks its tag.
        let moved = try await hubStore(in: folder, name: "moved")
        try StoreTampering.write(databasePath: database(moved)) { db in
            try db.execute(sql: "UPDATE audit_chain_key SET from_id = 1000")
        }
        #expect(try await verify(moved).damage(.keyMismatch) != nil)
    }

    @Test("A version's payload edited is seen, whether its content hash was recomputed or not", arguments: [false, true])
    func editedVersionDetected(rehash: Bool) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        let record = try changedRecord(dataDir)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            let payload = try #require(try String.fetchOne(db, sql: "SELECT normalized_payload FROM record_version WHERE record_id = ? AND version = 1", arguments: [record.id]))
            let edited = payload.replacingOccurrences(of: "测试项目", with: "伪造项目")
            try db.execute(sql: "UPDATE record_version SET normalized_payload = ? WHERE record_id = ? AND version = 1", arguments: [edited, record.id])
            if rehash {
                try db.execute(sql: "UPDATE record_version SET content_hash = ? WHERE record_id = ? AND version = 1",
                               arguments: [DigestAlgorithm.sha256.hexHash(Array(edited.utf8)), record.id])
            }
        }
        let report = try await verify(dataDir)
        #expect(report.damage(.versionAltered)?.examples == ["500/\(record.key)|v1"], "\(report)")
        #expect(report.damage(.chainBroken) == nil)
    }

    @Test("The latest version deleted is seen, also when the record is made to point at the version before")
    func deletedLatestVersionDetected() async throws {
        for repoint in [false, true] {
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            let dataDir = try await hubStore(in: folder)
            let record = try changedRecord(dataDir)
            try StoreTampering.write(databasePath: database(dataDir)) { db in
                try db.execute(sql: "DELETE FROM record_version WHERE record_id = ? AND version = 2", arguments: [record.id])
                if repoint {
                    try db.execute(sql: """
                        UPDATE record SET latest_version = 1, latest_hash = (SELECT content_hash FROM record_version WHERE record_id = ? AND version = 1)
                        WHERE id = ?
                        """, arguments: [record.id, record.id])
                }
            }
            let report = try await verify(dataDir)
            #expect(report.damage(.versionMissing)?.examples == ["500/\(record.key)|v2"], "\(report)")
            #expect(report.damage(.versionMissing)?.count == 1, "found twice, counted once")
            #expect(report.damage(.deliveryOrphaned) != nil, "its delivery names a version that is gone")
        }
    }

    @Test("A record's owner changed to another registered platform is seen")
    func ownerChangeDetected() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        let store = try HubStore(directory: dataDir, create: false)
        try await Fixtures.register(Fixtures.otherPlatformID, in: store)
        try store.close()
        let record = try changedRecord(dataDir)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            try db.execute(sql: "UPDATE record SET owner_platform = ? WHERE id = ?", arguments: [Fixtures.otherPlatformID.rawValue, record.id])
        }
        let report = try await verify(dataDir)
        let changed = try #require(report.damage(.recordOwnerChanged), "\(report)")
        #expect(changed.count == 1 && changed.examples.first?.hasPrefix("500/\(record.key): owner \(Fixtures.otherPlatformID)") == true)
    }

    @Test("A version slipped in without an audit entry, and a routed delivery removed, are seen")
    func unauditedVersionAndMissingDelivery() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        let record = try changedRecord(dataDir)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            try db.execute(sql: """
                INSERT INTO record_version (record_id, version, dataset, business_key, source_platform, region_code, raw_payload,
                                            normalized_payload, content_hash, spec_version, received_at)
                SELECT record_id, 3, dataset, business_key, source_platform, region_code, raw_payload, normalized_payload, content_hash,
                       spec_version, received_at FROM record_version WHERE record_id = ? AND version = 2
                """, arguments: [record.id])
            try db.execute(sql: "UPDATE record SET latest_version = 3 WHERE id = ?", arguments: [record.id])
            try db.execute(sql: "DELETE FROM delivery WHERE id = (SELECT MIN(id) FROM delivery)")
        }
        let report = try await verify(dataDir)
        #expect(report.damage(.versionUnaudited)?.examples == ["500/\(record.key)|v3"], "\(report)")
        #expect(report.damage(.deliveryMissing)?.count == 1 && report.damage(.deliveryMissing)?.examples.first?.hasSuffix("to upstream") == true, "\(report)")
    }

    @Test("audit verify names each kind of damage with counts and places, as text and JSON, and exits 1; a forged checkpoint line is named too")
    func commandNamesDamage() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        try StoreTampering.write(databasePath: database(dataDir)) { db in
            try db.execute(sql: "DELETE FROM audit_entry WHERE id > (SELECT MAX(id) - 100 FROM audit_entry)")
        }
        var lines = try String(contentsOfFile: dataDir + "/audit-checkpoints.log", encoding: .utf8)
        lines += #"{"at":"2099-01-01T00:00:00.000Z","entries":9,"event":"interval","keyId":"x","lastHash":"y","lastId":9,"mac":"00"}"# + "\n"
        try lines.write(toFile: dataDir + "/audit-checkpoints.log", atomically: false, encoding: .utf8)

        let text = try await CLI.run(["audit", "verify", "--data-dir", dataDir])
        #expect(text.status == 1, "\(text.output)")
        #expect(text.output.contains("audit DAMAGED") && text.output.contains("chain.truncated ") && text.output.contains("checkpoint.forged 1: line"), "\(text.output)")
        let json = try await CLI.run(["audit", "verify", "--json", "--data-dir", dataDir])
        #expect(json.status == 1 && json.output.contains("\"kind\" : \"chain.truncated\"") && json.output.contains("\"intact\" : false"), "\(json.output)")
    }

    @Test("Without its key a keyed store still verifies what it can and says key.missing; the hub refuses to start and no entry is appended")
    func missingKey() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = try await hubStore(in: folder)
        try FileManager.default.moveItem(atPath: dataDir + "/audit.key", toPath: folder.file("elsewhere.key"))
        let report = try await verify(dataDir)
        #expect(report.damage(.keyMissing) != nil && report.damage(.chainBroken) == nil, "\(report)")
        #expect(!FileManager.default.fileExists(atPath: dataDir + "/audit.key"), "a keyed store never gets a new key")
        let store = try HubStore(directory: dataDir, create: false)
        #expect(store.auditKeyProblem?.contains("no key file") == true)
        await #expect(throws: (any Error).self) { try await store.appendAudit(AuditEvent(actorKind: .operator, actor: "test", action: "test.note")) }
        try store.close()
        await #expect(throws: StoreError.self) { try await RunningHub.withRunning(dataDir: dataDir) { _ in } }
        // The key kept elsewhere, configured, makes it whole again.
        let again = try HubStore(directory: dataDir, create: false, auditKeyFile: folder.file("elsewhere.key"))
        #expect(try await again.verifyAudit().intact)
        try again.close()
    }
}
