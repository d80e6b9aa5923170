import Foundation
import Logging
import ShuniuPostgres
import ShuniuTesting

/// A fresh database of the suite's PostgreSQL cluster (see ``PostgresClusterTrait``), where
/// `Fixtures.platformID` and `Fixtures.otherPlatformID` are registered once the engine's schema is in place.
struct PostgresTestDatabase: Sendable {
    /// The registered platforms' app keys.
    static let appKey = "pg-contract-app-key"
    static let otherAppKey = "pg-contract-other-app-key"

    /// The stores' logger: warnings and errors only.
    static let logger: Logger = {
        var logger = Logger(label: "shuniu.postgres.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Long: a loaded machine (the whole suite on two cores) makes every round trip slow.
    static let openTimeout: Duration = .seconds(120)

    let cluster: PostgresCluster
    let url: String
    /// The audit key file every store on this database opens with, in the cluster's folder
    /// (removed with it): several instances of one hub share one key.
    var auditKeyFile: String { "\(cluster.folder)/audit-keys/\((url as NSString).lastPathComponent).key" }

    static func make() async throws -> PostgresTestDatabase {
        let cluster = try PostgresClusterTrait.cluster()
        return PostgresTestDatabase(cluster: cluster, url: try await cluster.makeDatabase())
    }

    /// Opens a store on the database (as another instance would, when called again), migrating
    /// it and registering the platform the first time.
    func open(instance: String = PostgresStore.defaultInstanceName(), leaseSeconds: Int = 60) async throws -> PostgresStore {
        let store = try await PostgresStore.open(
            PostgresStoreConfiguration(url: url + "?sslmode=disable", leaseSeconds: leaseSeconds), instance: instance,
            auditKeyFile: auditKeyFile, logger: Self.logger, openTimeout: Self.openTimeout
        )
        do {
            // Registering platforms is the operator's part, not the ports': plain SQL here.
            _ = try await cluster.psql(url, """
                INSERT INTO platform (id, name, status, certified_until, allowed_datasets, app_key, app_secret, created_at, updated_at)
                VALUES ('\(Fixtures.platformID.rawValue)', 'contract', 'active', '2099-12-31', '500', '\(Self.appKey)', 'secret', now(), now()),
                       ('\(Fixtures.otherPlatformID.rawValue)', 'other', 'active', '2099-12-31', '500', '\(Self.otherAppKey)', 'secret', now(), now())
                ON CONFLICT DO NOTHING
                """)
        } catch {
            await store.shutDown()
            throw error
        }
        return store
    }

    /// Opens two stores on one fresh database (as two instances would: "i1" and "i2", both
    /// fixture platforms registered), runs `body` with them, and closes both on every path.
    static func withTwoInstances(_ body: (PostgresStore, PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        let database = try await make()
        let first = try await database.open(instance: "i1")
        let second: PostgresStore
        do { second = try await database.open(instance: "i2") } catch {
            await first.shutDown()
            throw error
        }
        do {
            try await body(first, second, database)
        } catch {
            await first.shutDown()
            await second.shutDown()
            throw error
        }
        await first.shutDown()
        await second.shutDown()
    }

    /// Opens a store on a fresh database (both fixture platforms registered), runs `body`, and
    /// closes it on every path.
    static func withStore(_ body: (PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        let database = try await make()
        let store = try await database.open()
        do {
            try await body(store, database)
        } catch {
            await store.shutDown()
            throw error
        }
        await store.shutDown()
    }
}
