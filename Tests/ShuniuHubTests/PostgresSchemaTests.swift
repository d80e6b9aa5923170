import Foundation
import GRDB
import ShuniuCore
import ShuniuPostgres
import ShuniuStore
import ShuniuTesting
import Testing

/// The PostgreSQL engine's schema against the SQLite engine's: the same tables and columns (so
/// that a store can be copied column by column), and history kept immutable.
@Suite("PostgreSQL schema", .postgresCluster)
struct PostgresSchemaTests {
    /// Columns only the PostgreSQL engine has: what several instances need.
    static let postgresOnly: Set<String> = ["delivery.owner_instance", "delivery.lease_until"]

    @Test("Every SQLite table and column exists on PostgreSQL under the same name; only the instances' additions are new")
    func sameTablesAndColumns() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try HubStore(directory: folder.path)
        try store.close()
        let queue = try DatabaseQueue(path: folder.file(HubStore.fileName))
        let sqlite: Set<String> = try await queue.read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                """)
            var columns: Set<String> = []
            for table in tables {
                for column in try db.columns(in: table) { columns.insert("\(table).\(column.name)") }
            }
            return columns
        }
        try queue.close()

        let database = try await PostgresTestDatabase.make()
        let postgresStore = try await database.open()
        await postgresStore.shutDown()
        let listed = try await database.cluster.psql(database.url, """
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'shuniu_migration' ORDER BY 1
            """)
        let postgres = Set(listed.split(separator: "\n").map(String.init))
        #expect(sqlite.subtracting(postgres).sorted() == [], "missing on PostgreSQL")
        #expect(postgres.subtracting(sqlite).sorted() == Self.postgresOnly.sorted(), "only on PostgreSQL")
    }

    @Test("Record versions, audit entries and deliveries cannot be changed or removed, nor the history emptied")
    func historyIsImmutable() async throws {
        let database = try await PostgresTestDatabase.make()
        let store = try await database.open()
        do {
            try await StorePortEngine.commit([("A", "a1")], ["up"], into: store, appKey: PostgresTestDatabase.appKey)
        } catch {
            await store.shutDown()
            throw error
        }
        await store.shutDown()
        for (statement, message) in [
            ("UPDATE record_version SET normalized_payload = '{}'", "record versions are immutable"),
            ("DELETE FROM record_version", "record versions are immutable"),
            ("TRUNCATE record_version CASCADE", "record versions are immutable"),
            ("UPDATE audit_entry SET detail = '{}'", "the audit log is append-only"),
            ("DELETE FROM audit_entry", "the audit log is append-only"),
            ("DELETE FROM delivery", "deliveries are history"),
        ] {
            await #expect(throws: (any Error).self, "\(statement)") { try await database.cluster.psql(database.url, statement) }
            do {
                _ = try await database.cluster.psql(database.url, statement)
            } catch {
                #expect("\(error)".contains(message), "\(statement): \(error)")
            }
        }
        #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM record_version") == "1")
        #expect(try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry") == "1")
    }

    @Test("A statement the schema refuses comes back as a store error with the database's reason")
    func refusalsAreStoreErrors() async throws {
        let database = try await PostgresTestDatabase.make()
        let store = try await database.open()
        do {
            // Two batches with one nonce: the second is refused as the contract says, not as a fault.
            let commit = IngestCommit(platform: Fixtures.platformID, appKey: PostgresTestDatabase.appKey, nonce: "n-1", address: nil, items: [])
            _ = try await store.commitIngest(commit, receivedAt: Date())
            await #expect(throws: StoreError.self) { _ = try await store.commitIngest(commit, receivedAt: Date()) }
            do {
                _ = try await store.commitIngest(commit, receivedAt: Date())
            } catch let error as StoreError {
                #expect(error.code == .nonceReused)
            }
            // A version for a platform the database does not know breaks a foreign key: unavailable, with the reason.
            var stranger = commit
            stranger.nonce = "n-2"
            stranger.platform = PlatformID(rawValue: "E9999999999")!
            stranger.items = [.valid(index: 0, record: ValidatedRecord(
                dataset: "500", businessKey: "X", regionCode: nil, rawPayload: "{}", normalizedPayload: "{}", contentHash: "h", specVersion: "contract"
            ), destinations: [])]
            do {
                _ = try await store.commitIngest(stranger, receivedAt: Date())
                Issue.record("stored a version for an unknown platform")
            } catch let error as StoreError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("foreign key"), "\(error.message)")
            }
        } catch {
            await store.shutDown()
            throw error
        }
        await store.shutDown()
    }
}
