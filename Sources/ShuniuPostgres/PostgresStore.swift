import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ShuniuCore
import ShuniuTrust
import Synchronization

/// The PostgreSQL engine: the store's ports on one database that several hub instances share.
///
/// It owns postgres-nio's connection pool and the task that runs it: ``open(_:instance:auditKeyFile:logger:openTimeout:)``
/// starts both, brings the schema up to date and decides the audit chain's key, ``shutDown()`` ends them and waits (``close()``
/// ends them without waiting, for the hub's last step). A store must be closed.
public final class PostgresStore: Sendable {
    public let configuration: PostgresStoreConfiguration
    /// This instance's name, written on the deliveries it claims.
    public let instance: String
    let client: PostgresClient
    let logger: Logger
    /// What this instance's last write found (``StoreReadiness``).
    let health = PostgresWriteHealth()
    /// The audit key file, and what the store found in it when it opened (PostgresStore+AuditKey.swift).
    public let auditKeyFile: String
    let auditKeying = Mutex(PostgresAuditKeying())
    private let running: Task<Void, Never>

    /// Connects, migrates the schema (once, however many instances start together), decides the
    /// audit chain's key with the key in `auditKeyFile` (as the SQLite engine does: keys an
    /// unkeyed chain, making the file when there is none; ``auditKeyProblem`` when the file's key
    /// is not the chain's) and returns the store; throws ``StoreError/Code/cannotOpen`` when the
    /// database cannot be reached or migrated within `openTimeout`, ``StoreError/Code/auditKey``
    /// when the key file is unreadable, malformed or readable by others.
    public static func open(
        _ configuration: PostgresStoreConfiguration, instance: String = defaultInstanceName(), auditKeyFile: String,
        logger: Logger = Logger(label: "shuniu.postgres"), openTimeout: Duration = .seconds(30)
    ) async throws -> PostgresStore {
        let store = try PostgresStore(configuration: configuration, instance: instance, auditKeyFile: auditKeyFile, logger: logger)
        do {
            try await store.migrate(within: openTimeout)
            try await store.keyAuditChain()
        } catch {
            await store.shutDown()
            throw error
        }
        return store
    }

    /// A name no other running instance has: host, process and a random part.
    public static func defaultInstanceName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    private init(configuration: PostgresStoreConfiguration, instance: String, auditKeyFile: String, logger: Logger) throws {
        self.configuration = configuration
        self.instance = instance
        self.auditKeyFile = auditKeyFile
        self.logger = logger
        let client = PostgresClient(configuration: try Self.clientConfiguration(configuration), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// Ends the pool's task and waits until its connections are closed.
    public func shutDown() async {
        running.cancel()
        await running.value
    }

    /// Ends the pool's task: its connections close on their own (``StoreAdministration``'s
    /// close, which cannot wait). Closing twice is harmless.
    public func close() {
        running.cancel()
    }

    static func clientConfiguration(_ settings: PostgresStoreConfiguration) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let folder = settings.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(settings.port)", username: settings.user, password: settings.password, database: settings.database
            )
        } else {
            configuration = .init(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
                tls: try tls(settings)
            )
        }
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// postgres-nio's TLS for the URL's `sslmode`.
    private static func tls(_ settings: PostgresStoreConfiguration) throws -> PostgresClient.Configuration.TLS {
        switch settings.tls {
        case .disable: .disable
        case .prefer: .prefer(try tlsConfiguration(settings))
        case .require, .verifyFull: .require(try tlsConfiguration(settings))
        }
    }

    // MARK: Running statements

    /// Runs `body` in one transaction, faults given as ``StoreError`` naming `what` was done.
    func transaction<T: Sendable>(_ what: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await PostgresAuditChain.$key.withValue(auditKey) {
                try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        } catch {
            throw Self.storeError(error, doing: what)
        }
    }

    /// Runs a write in one transaction, as ``transaction(_:_:)``, noting in ``health`` whether the
    /// database took it. Audit entries appended inside are keyed with the store's key.
    func write<T: Sendable>(_ what: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            let value = try await PostgresAuditChain.$key.withValue(auditKey) {
                try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            }
            health.succeeded()
            return value
        } catch {
            let fault = Self.storeError(error, doing: what)
            health.failed(error, as: fault)
            throw fault
        }
    }

    /// Runs `body` on a pooled connection outside a transaction (each statement commits alone).
    func connection<T: Sendable>(_ what: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error, doing: what)
        }
    }

    /// The store's error for a database fault: `full` when the server is out of space, else
    /// `unavailable`, with the server's own message (never the connection's password).
    static func storeError(_ error: any Error, doing what: String) -> StoreError {
        if let error = error as? StoreError { return error }
        // A transaction's failure is its first step's that failed: the statements', or BEGIN's or COMMIT's.
        if let failed = error as? PostgresTransactionError, let cause = failed.closureError ?? failed.beginError ?? failed.commitError {
            return storeError(cause, doing: what)
        }
        guard let psql = error as? PSQLError else {
            return StoreError(.unavailable, "the database failed while \(what)", cause: error)
        }
        let state = psql.serverInfo?[.sqlState]
        let reason = psql.serverInfo?[.message] ?? "\(psql.code)\(psql.underlying.map { ": \($0)" } ?? "")"
        // SQLSTATE class 53: insufficient resources (53100 disk full, 53200 out of memory…).
        let code: StoreError.Code = state == "53100" ? .full : .unavailable
        return StoreError(code, "the database failed while \(what): \(reason)\(state.map { " (SQLSTATE \($0))" } ?? "")", cause: nil)
    }
}

extension PostgresConnection {
    /// Runs `query` and gives every row, for statements whose rows are read at once.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await self.query(query, logger: logger) {
            rows.append(row.makeRandomAccess())
        }
        return rows
    }

    /// Runs a statement whose rows, if any, do not matter.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
