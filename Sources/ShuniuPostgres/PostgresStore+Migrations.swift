import Foundation
import PostgresNIO
import ShuniuCore

extension PostgresStore {
    /// The advisory lock held while the schema is migrated (an arbitrary constant, "SHUNIU" and 1).
    static let migrationLock: Int64 = 0x5348_554E_4955_0001

    /// Applies the migrations the database lacks, each in its own transaction, recorded in
    /// `shuniu_migration`. The whole run holds a session advisory lock, so that instances starting
    /// together migrate once: the others wait, then find nothing left to do.
    func migrate(within timeout: Duration) async throws {
        let logger = logger
        let lock = Self.migrationLock
        let target = configuration.description
        try await Self.withDeadline(timeout, failure: StoreError(.cannotOpen, "cannot reach and migrate the database \(target) within \(timeout)")) {
            [client] in
            do {
                try await client.withConnection { connection in
                    try await connection.run("SELECT pg_advisory_lock(\(lock))", logger: logger)
                    do {
                        try await Self.applyMigrations(on: connection, logger: logger)
                    } catch {
                        try? await connection.run("SELECT pg_advisory_unlock(\(lock))", logger: logger)
                        throw error
                    }
                    try await connection.run("SELECT pg_advisory_unlock(\(lock))", logger: logger)
                }
            } catch {
                let fault = Self.storeError(error, doing: "migrating its schema")
                throw StoreError(.cannotOpen, "cannot open the database \(target): \(fault.message)")
            }
        }
    }

    private static func applyMigrations(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            CREATE TABLE IF NOT EXISTS shuniu_migration (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        let applied = Set(try await connection.rows("SELECT identifier FROM shuniu_migration", logger: logger).map { try $0["identifier"].decode(String.self) })
        for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.run(PostgresQuery(unsafeSQL: migration.block), logger: logger)
                try await connection.run("INSERT INTO shuniu_migration (identifier) VALUES (\(migration.identifier))", logger: logger)
            }
            logger.notice("migrated the database", metadata: ["migration": "\(migration.identifier)"])
        }
    }

    /// Runs `work`, throwing `failure` if it has not ended within `timeout` (it is then cancelled).
    static func withDeadline(_ timeout: Duration, failure: StoreError, _ work: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await work()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw failure }
        }
    }
}
