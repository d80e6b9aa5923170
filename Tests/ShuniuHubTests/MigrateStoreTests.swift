import Foundation
import GRDB
import ShuniuApp
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import Testing

/// `shuniu migrate-store`: a store made by the demo and an operator's work, copied into a fresh
/// database of a throwaway PostgreSQL cluster by the real CLI, then read through the ports on both engines.
@Suite(.postgresCluster, .serialized)
struct MigrateStoreTests {
    @Test("The SQLite → PostgreSQL migration on a store made by the demo", .timeLimit(.minutes(8)))
    func demoStore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        let demo = try await CLI.run([
            "demo", "--duration", "2", "--fail-for", "1", "--data-dir", dataDir, "--mappings", RepositoryPaths.mappings,
            "--samples", RepositoryPaths.root + "/Ops/samples/platforms",
        ])
        try #require(demo.status == 0, "\(demo.output)")
        try await addOperatorsWork(dataDir: dataDir)

        let database = try await PostgresTestDatabase.make()
        let url = database.url + "?sslmode=disable"
        let sqlitePath = (dataDir as NSString).appendingPathComponent(HubStore.fileName)

        // A value no column type takes, late in the copy: the whole copy is undone, named.
        let saved = try await DatabaseQueue(path: sqlitePath).write { db in
            let saved = try Row.fetchAll(db, sql: "SELECT connector, endpoint, last_run_at FROM connector_state").map { Array($0.databaseValues) }
            try db.execute(sql: "UPDATE connector_state SET last_run_at = 'yesterday'")
            return saved
        }
        try #require(!saved.isEmpty, "the demo's pull connector left no state")
        let failed = try await CLI.run(["migrate-store", "--data-dir", dataDir, "--to", url])
        #expect(failed.status == 1 && failed.output.contains("connector_state.last_run_at") && failed.output.contains("yesterday"), "\(failed.output)")
        for table in ["platform", "audit_entry", "record_version", "connector_state"] {
            #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM \(table)") == "0", "\(table) kept rows of an undone copy")
        }
        try await DatabaseQueue(path: sqlitePath).write { db in
            for row in saved {
                try db.execute(sql: "UPDATE connector_state SET last_run_at = ? WHERE connector = ? AND endpoint = ?", arguments: [row[2], row[0], row[1]])
            }
        }

        // The copy.
        let migrated = try await CLI.run(["migrate-store", "--data-dir", dataDir, "--to", url, "--operator", "ops-li", "--json"])
        try #require(migrated.status == 0, "\(migrated.output)")
        let printed = try #require(
            try JSONSerialization.jsonObject(with: Data(migrated.output.utf8)) as? [String: Any], "\(migrated.output)"
        )
        let copy = try #require(printed["copy"] as? [String: Any]), verification = try #require(printed["verification"] as? [String: Any])
        #expect((verification["problems"] as? [Any])?.isEmpty == true && (copy["rows"] as? Int ?? 0) > 0, "\(migrated.output)")
        #expect((copy["database"] as? String)?.hasSuffix("sslmode=disable") == true && copy["rebuilt"] as? [String] == ["queue_counter"])

        let source = try HubStore(directory: dataDir, create: false)
        defer { try? source.close() }
        let target = try await PostgresStore.open(
            PostgresStoreConfiguration(url: url), auditKeyFile: source.auditKeyFile, logger: PostgresTestDatabase.logger,
            openTimeout: PostgresTestDatabase.openTimeout
        )
        do {
            try await compare(source: source, target: target, database: database)
        } catch {
            await target.shutDown()
            throw error
        }
        await target.shutDown()

        // A second copy into the same database is refused, and changes nothing.
        let entries = try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry")
        let again = try await CLI.run(["migrate-store", "--data-dir", dataDir, "--to", url])
        #expect(again.status == 1 && again.output.contains("is not empty") && again.output.contains("nothing was written"), "\(again.output)")
        #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry") == entries)
    }

    @Test("migrate-store refuses a URL holding a password, and a running hub")
    func refusals() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let withPassword = try await CLI.run(["migrate-store", "--data-dir", folder.path, "--to", "postgres://hub:s3cret-word@127.0.0.1:5432/shuniu"])
        #expect(withPassword.status == 64 && withPassword.output.contains("--password-file"), "\(withPassword.output)")
        #expect(!withPassword.output.contains("s3cret-word"))

        let lock = try DaemonLock(dataDir: folder.path, asDaemon: true)
        defer { lock.release() }
        let busy = try await CLI.run(["migrate-store", "--data-dir", folder.path, "--to", "postgres://hub@127.0.0.1:1/shuniu"])
        #expect(busy.status == 3 && busy.output.contains("stop it first"), "\(busy.output)")
    }

    @Test("Each SQLite column's stored type has a conversion to its PostgreSQL column's type")
    func typeMapping() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try HubStore(directory: folder.path).close()
        let queue = try DatabaseQueue(path: folder.file(HubStore.fileName))
        let sqlite: [String: String] = try await queue.read { db in
            var declared: [String: String] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'") {
                for column in try db.columns(in: table) { declared["\(table).\(column.name)"] = column.type.uppercased() }
            }
            return declared
        }
        try queue.close()
        let database = try await PostgresTestDatabase.make()
        await (try await database.open()).shutDown()
        let listed = try await database.cluster.psql(database.url, """
            SELECT table_name || '.' || column_name || '|' || data_type FROM information_schema.columns WHERE table_schema = 'public'
            """)
        let postgres = Dictionary(uniqueKeysWithValues: listed.split(separator: "\n").map { line in
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        })
        // What PostgresStoreImport converts: SQLite's stored form on the left, the column types it becomes on the right.
        let conversions: [String: Set<String>] = [
            "INTEGER": ["integer", "bigint", "boolean"], "TEXT": ["text", "date"], "DATETIME": ["timestamp with time zone"],
            "DOUBLE": ["timestamp with time zone"], "BLOB": ["bytea"],
        ]
        for (column, type) in sqlite.sorted(by: { $0.key < $1.key }) {
            let target = try #require(postgres[column], "\(column) is missing on PostgreSQL")
            #expect(conversions[type]?.contains(target) == true, "\(column): \(type) → \(target) is not a conversion of the copy")
        }
        // Flags and days: the conversions that read the value, not only its storage class.
        #expect(postgres["platform.certified_until"] == "date" && postgres["data_grant.personal_data"] == "boolean")
    }

    /// What an operator and readers add to the demo's store: a rate limit, an allowed code, a
    /// paused destination, a grant, disputes (one rejected), a dead letter.
    private func addOperatorsWork(dataDir: String) async throws {
        let store = try HubStore(directory: dataDir, create: false)
        defer { try? store.close() }
        _ = try await store.setPlatformRateLimit(PlatformID(rawValue: "E4201000001")!, to: 1200, by: "ops-li")
        _ = try await store.allowCode("91420100MA4KXXXX0Y", kind: "creditCode", reason: "real, misprinted", by: "ops-li")
        try await store.setDestinationPaused("supervision-beijing", paused: true, by: "ops-li", reason: "maintenance window")
        _ = try await store.addGrant(DataGrant(
            consumer: "national-hub", dataset: DatasetID(rawValue: "502"), purpose: "supervision", personalData: true, approvedBy: "ops-li",
            grantedAt: Date(), expiresAt: Date().addingTimeInterval(86400 * 365)
        ))
        let records = try await store.exportedTables().first { $0.name == "record" }!
        let page = try await store.exportRows(of: records, after: nil, limit: 2)
        let (dataset, key) = (records.columns.firstIndex(of: "dataset")!, records.columns.firstIndex(of: "business_key")!)
        var disputes: [Dispute] = []
        for row in page.rows {
            guard case .text(let code) = row[dataset], case .text(let business) = row[key] else { continue }
            disputes.append(try await store.openDispute(
                dataset: DatasetID(rawValue: code), key: business, field: "XMMC", fieldLabel: "项目名称", reason: "名称与公告不符",
                consumer: "national-hub", address: "127.0.0.1", at: Date()
            ))
        }
        try #require(disputes.count == 2)
        try await store.rejectDispute(disputes[0].id, by: "ops-li", reason: "名称无误")
        // A delivery the upstream refused for good: replayed, claimed and answered 400.
        let replayed = try await store.replay(ReplaySelection(destination: "credit", since: Date(timeIntervalSince1970: 0)), by: "ops-li")
        try #require(replayed.queued > 0, "nothing to replay to credit")
        let claimed = try await store.claimDue(destination: "credit", mode: .everyVersion, limit: 1, now: Date().addingTimeInterval(1))
        try #require(claimed.count == 1)
        try await store.completeDeliveries(
            [DeliveryOutcome(deliveryID: claimed[0].id, result: .dead, status: 400, error: "HTTP 400", response: "{\"error\":\"rejected\"}")],
            destination: "credit", now: Date()
        )
    }

    /// Both stores read alike through the ports (`shuniu status`, `shuniu audit verify`), and
    /// every table holds as many rows, with times, flags and days as they were.
    private func compare(source: HubStore, target: PostgresStore, database: PostgresTestDatabase) async throws {
        let (sqliteAudit, postgresAudit) = (try await source.verifyAudit(), try await target.verifyAudit())
        #expect(sqliteAudit.intact && postgresAudit.intact, "\(postgresAudit.damage)")
        // The copy's chain, then the migration's own entry.
        #expect(postgresAudit.entries == sqliteAudit.entries + 1)
        #expect(postgresAudit.keyedFrom == sqliteAudit.keyedFrom && postgresAudit.keyId == sqliteAudit.keyId)
        let (sqliteHead, postgresHead) = (try await source.auditEntries(limit: 1), try await target.auditEntries(limit: 2))
        #expect(postgresHead.count == 2 && postgresHead[0].action == "store.migrate" && postgresHead[0].actor == "ops-li")
        #expect(postgresHead.last?.hash == sqliteHead.first?.hash && postgresHead.last?.id == sqliteHead.first?.id)

        let (sqliteStatus, postgresStatus) = (try await source.status(), try await target.status())
        #expect(postgresStatus.engine == "postgres" && sqliteStatus.engine == "sqlite")
        #expect(postgresStatus.records == sqliteStatus.records && postgresStatus.versions == sqliteStatus.versions && sqliteStatus.versions > 0)
        #expect(Set(postgresStatus.holdings) == Set(sqliteStatus.holdings))
        #expect(Set(postgresStatus.platforms) == Set(sqliteStatus.platforms))
        #expect(Set(postgresStatus.consumers) == Set(sqliteStatus.consumers))
        #expect(postgresStatus.openDisputes == sqliteStatus.openDisputes && postgresStatus.auditEntries == sqliteStatus.auditEntries + 1)

        let psql = { (sql: String) in try await database.cluster.psql(database.url, sql) }
        for table in try await source.exportedTables() {
            if table.name == "queue_counter" {
                // Rebuilt by the database's triggers as the deliveries were copied.
                let sums = try await psql("SELECT destination || ' ' || state || ' ' || sum(count) FROM queue_counter GROUP BY destination, state HAVING sum(count) <> 0 ORDER BY 1")
                let stats = try await source.queueStats(destinations: ["credit", "national", "supervision-beijing", "supervision-hubei"])
                #expect(sums.contains("credit dead 1") && stats.first { $0.destination == "credit" }?.dead == 1, "\(sums)")
                continue
            }
            // The audit log holds the migration's own entry besides.
            let expected = table.rows + (table.name == "audit_entry" ? 1 : 0)
            #expect(try await psql("SELECT count(*) FROM \(table.name)") == String(expected), "\(table.name)")
        }
        for table in ["record_version", "delivery", "dispute", "data_grant", "raw_payload", "subject_listing", "record_withdrawal", "connector_state",
                      "allowed_code", "destination_state", "consumer", "request_nonce", "audit_chain_key"] {
            #expect(try await psql("SELECT count(*) > 0 FROM \(table)") == "t", "the demo and the operator left no \(table) rows to copy")
        }
        // Each conversion, against the SQLite file's own values.
        let sqlite = try DatabaseQueue(path: source.path)
        try await expectSame(
            sqlite: sqlite, "SELECT group_concat(received_at, ',') FROM (SELECT received_at FROM record_version ORDER BY id)",
            postgres: psql, "SELECT string_agg(to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), ',' ORDER BY id) FROM record_version"
        )
        // Unix seconds to timestamptz: the same instant, to PostgreSQL's microsecond.
        let sqliteTimes = try await sqlite.read { db in try Double.fetchAll(db, sql: "SELECT enqueued_at FROM delivery ORDER BY id") }
        let postgresTimes = try await psql("SELECT extract(epoch FROM enqueued_at) FROM delivery ORDER BY id").split(separator: "\n").compactMap { Double($0) }
        #expect(sqliteTimes.count == postgresTimes.count && !sqliteTimes.isEmpty)
        #expect(zip(sqliteTimes, postgresTimes).allSatisfy { abs($0 - $1) < 0.000_001 }, "delivery times differ")
        try await expectSame(
            sqlite: sqlite, "SELECT group_concat(id || ':' || personal_data || ':' || government || ':' || certified, ',') FROM (SELECT d.id, d.personal_data, d.government, p.certified_until AS certified FROM data_grant d, platform p WHERE p.id = 'E4201000001' ORDER BY d.id)",
            postgres: psql, "SELECT string_agg(d.id || ':' || d.personal_data::int || ':' || d.government::int || ':' || p.certified_until::text, ',' ORDER BY d.id) FROM data_grant d, platform p WHERE p.id = 'E4201000001'"
        )
        try await expectSame(
            sqlite: sqlite, "SELECT group_concat(hex(body), ',') FROM (SELECT body FROM raw_payload ORDER BY id)",
            postgres: psql, "SELECT string_agg(upper(encode(body, 'hex')), ',' ORDER BY id) FROM raw_payload"
        )
        try sqlite.close()
        // New rows take ids after the copied ones.
        #expect(try await psql("SELECT nextval(pg_get_serial_sequence('record_version', 'id')) > max(id) FROM record_version") == "t")
        #expect(try await psql("SELECT nextval(pg_get_serial_sequence('delivery', 'id')) > max(id) FROM delivery") == "t")
    }

    private func expectSame(
        sqlite: DatabaseQueue, _ sqliteQuery: String, postgres: (String) async throws -> String, _ postgresQuery: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let expected = try await sqlite.read { db in try String.fetchOne(db, sql: sqliteQuery) } ?? ""
        let found = try await postgres(postgresQuery)
        #expect(!expected.isEmpty && found == expected, "\(sqliteQuery)", sourceLocation: sourceLocation)
    }
}
