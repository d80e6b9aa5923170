import Foundation
import Logging
import PostgresNIO
import ShuniuCore

/// Another engine's store copied into an empty PostgreSQL database (`shuniu migrate-store`):
/// every table with its rows, ids and audit chain as they are, in one transaction, so that a
/// failure leaves the database as empty as it was.
///
/// The schema is the engine's own migrations', made without opening the store for the hub:
/// opening would key the audit chain, and the chain's key marker (`audit_chain_key`) must be the
/// copied store's. Each value is converted to its column's type, read from the catalog:
/// integer 0/1 to `boolean`; stored time text (UTC, `yyyy-MM-dd HH:mm:ss.SSS`) or Unix seconds to
/// `timestamptz`; `yyyy-MM-dd` text to `date`; blobs to `bytea`; text stays text (the audit
/// chain's times too: its hashes cover them as written). Identity counters are set past the
/// highest id the source ever handed out. Before committing, every table's row count is compared
/// with the source's.
public enum PostgresStoreImport {
    /// One table copied.
    public struct CopiedTable: Codable, Sendable, Hashable {
        public var name: String
        public var rows: Int
        /// The id the table's identity gives next, for a table that has one.
        public var nextID: Int64?
    }

    /// What was copied.
    public struct Report: Codable, Sendable {
        /// The database, without its password.
        public var database: String
        public var tables: [CopiedTable]
        /// Tables the engine derives from others (the queue counters), rebuilt by its own
        /// triggers as their sources were copied and compared with the copied store's.
        public var rebuilt: [String]
        public var rows: Int
    }

    /// Why a copy was refused or undone: the database is left as it was.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Reason: String, Sendable, Codable {
            /// A table of the database has rows already.
            case targetNotEmpty
            /// The database lacks a table or column the copied store has: their schemas differ.
            case schemaDiffers
            /// A value cannot be given its column's type.
            case valueNotConvertible
            /// The copy does not hold what the source holds.
            case countMismatch
        }

        public var reason: Reason
        /// The table concerned.
        public var table: String
        public var message: String

        init(_ reason: Reason, table: String, _ message: String) {
            self.reason = reason
            self.table = table
            self.message = message
        }

        public var description: String { message }
    }

    /// Tables whose rows the engine's triggers write as their sources' rows are copied: copying
    /// them too would count every delivery twice. PostgreSQL keeps queue counters as deltas
    /// (several instances), so their rows differ from SQLite's; their sums are compared instead.
    static let derivedTables: Set<String> = ["queue_counter"]

    /// Rows per INSERT: a few hundred, fewer for wide tables (a statement's parameters are bounded).
    static func rowsPerStatement(columns: Int) -> Int {
        max(1, min(300, 20_000 / max(1, columns)))
    }

    /// Copies `source` into the database at `configuration`, which must have no row in any of
    /// the copied tables (``Refusal/Reason/targetNotEmpty``, before anything is written).
    public static func copy(
        from source: any StoreExport, into configuration: PostgresStoreConfiguration, logger: Logger, openTimeout: Duration = .seconds(30)
    ) async throws -> Report {
        // Never keyed: the chain's key marker is the copied store's, and comes with its rows.
        let store = try PostgresStore(configuration: configuration, instance: "migrate-store", auditKeyFile: "", logger: logger)
        do {
            let report = try await copy(from: source, into: store, openTimeout: openTimeout)
            await store.shutDown()
            return report
        } catch {
            await store.shutDown()
            throw error
        }
    }

    private static func copy(from source: any StoreExport, into store: PostgresStore, openTimeout: Duration) async throws -> Report {
        let logger = store.logger
        let tables = try await source.exportedTables()
        // Before the schema is made: a database with rows is refused without a change.
        try await attempt("checking that the database is empty") {
            try await store.client.withConnection { connection in
                let existing = try await existingTables(on: connection, logger: logger)
                try await refuseRows(in: tables.filter { existing.contains($0.name) }, on: connection, logger: logger)
            }
        }
        try await store.migrate(within: openTimeout)
        let copied = try await attempt("copying the store") {
            try await store.client.withTransaction(logger: logger) { connection in
                let plans = try await plan(tables, on: connection, logger: logger)
                // Held until the commit: nothing is written beside the copy, and it starts from empty tables.
                try await connection.run(
                    PostgresQuery(unsafeSQL: "LOCK TABLE \(tables.map { quoted($0.name) }.joined(separator: ", ")) IN EXCLUSIVE MODE"), logger: logger
                )
                try await refuseRows(in: tables, on: connection, logger: logger)
                var copied: [CopiedTable] = []
                for plan in plans where !derivedTables.contains(plan.table.name) {
                    copied.append(try await copyRows(plan, from: source, on: connection, logger: logger))
                }
                for plan in plans where derivedTables.contains(plan.table.name) {
                    try await compareCounters(plan, from: source, on: connection, logger: logger)
                }
                return copied
            }
        }
        let rebuilt = tables.map(\.name).filter { derivedTables.contains($0) }
        logger.notice("copied the store into the database", metadata: ["tables": "\(copied.count)", "rows": "\(copied.reduce(0) { $0 + $1.rows })"])
        return Report(database: store.configuration.description, tables: copied, rebuilt: rebuilt, rows: copied.reduce(0) { $0 + $1.rows })
    }

    // MARK: Checks

    private static func existingTables(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        Set(try await connection.rows("SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()", logger: logger).map {
            try $0["name"].decode(String.self)
        })
    }

    private static func refuseRows(in tables: [StoredTable], on connection: PostgresConnection, logger: Logger) async throws {
        for table in tables {
            let found = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(quoted(table.name))) AS found"), logger: logger)
            if try found.first?["found"].decode(Bool.self) == true {
                throw Refusal(
                    .targetNotEmpty, table: table.name,
                    "the database is not empty: its table \(table.name) has rows; migrate into a new, empty database (nothing was written)"
                )
            }
        }
    }

    /// Each table's columns with their types in the database; a table or column it lacks is refused, named.
    private static func plan(_ tables: [StoredTable], on connection: PostgresConnection, logger: Logger) async throws -> [TablePlan] {
        var catalog: [String: [String: (type: String, identity: Bool)]] = [:]
        for row in try await connection.rows("""
            SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type,
                   (is_identity = 'YES' OR coalesce(column_default, '') LIKE 'nextval(%') AS identity
            FROM information_schema.columns WHERE table_schema = current_schema()
            """, logger: logger)
        {
            let table = try row["table_name"].decode(String.self)
            catalog[table, default: [:]][try row["column_name"].decode(String.self)] = (try row["data_type"].decode(String.self), try row["identity"].decode(Bool.self))
        }
        return try tables.map { table in
            guard let target = catalog[table.name] else {
                throw Refusal(.schemaDiffers, table: table.name, "the database has no table \(table.name), which the copied store has: the two schemas differ (nothing was copied)")
            }
            let types = try table.columns.map { column in
                guard let found = target[column] else {
                    throw Refusal(.schemaDiffers, table: table.name, "the database's table \(table.name) has no column \(column), which the copied store has: the two schemas differ (nothing was copied)")
                }
                guard let type = ColumnType(dataType: found.type) else {
                    throw Refusal(.schemaDiffers, table: table.name, "\(table.name).\(column) is of type \(found.type), which the copy does not convert to")
                }
                return type
            }
            let identity = target.filter { $0.value.identity }.map(\.key).first
            return TablePlan(table: table, types: types, identity: identity)
        }
    }

    // MARK: Copying

    struct TablePlan: Sendable {
        var table: StoredTable
        /// Each column's type in the database, in the table's column order.
        var types: [ColumnType]
        /// The column whose identity counter is set past the copied ids.
        var identity: String?
    }

    private static func copyRows(_ plan: TablePlan, from source: any StoreExport, on connection: PostgresConnection, logger: Logger) async throws -> CopiedTable {
        let table = plan.table
        let perStatement = rowsPerStatement(columns: table.columns.count)
        var position: StoredRowPosition?
        var copied = 0
        repeat {
            let page = try await source.exportRows(of: table, after: position, limit: perStatement)
            if !page.rows.isEmpty {
                try await connection.run(try insert(page.rows, into: plan, firstRow: copied), logger: logger)
            }
            copied += page.rows.count
            position = page.next
        } while position != nil
        let counted = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(quoted(table.name))"), logger: logger)
        let inDatabase = try counted.first?["n"].decode(Int.self) ?? 0
        guard inDatabase == table.rows, copied == table.rows else {
            throw Refusal(
                .countMismatch, table: table.name,
                "\(table.name): the store has \(table.rows) rows, \(copied) were read and the database holds \(inDatabase): nothing was kept"
            )
        }
        var nextID: Int64?
        if let identity = plan.identity {
            let highest = try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT coalesce(max(\(quoted(identity))), 0)::bigint AS highest FROM \(quoted(table.name))"), logger: logger
            )
            let issued = max(try highest.first?["highest"].decode(Int64.self) ?? 0, table.issuedID ?? 0)
            if issued > 0 {
                try await connection.run("SELECT setval(pg_get_serial_sequence(\(quoted(table.name)), \(identity)), \(issued))", logger: logger)
            }
            nextID = issued + 1
        }
        return CopiedTable(name: table.name, rows: copied, nextID: nextID)
    }

    /// One multi-row INSERT with bound parameters.
    static func insert(_ rows: [[StoredValue]], into plan: TablePlan, firstRow: Int) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: rows.count * plan.types.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for (offset, row) in rows.enumerated() {
            var placeholders: [String] = []
            placeholders.reserveCapacity(row.count)
            for (index, value) in row.enumerated() {
                do {
                    placeholders.append(try plan.types[index].placeholder(for: value, bindings: &bindings))
                } catch let mismatch as ColumnType.Mismatch {
                    let column = plan.table.columns[index]
                    throw Refusal(
                        .valueNotConvertible, table: plan.table.name,
                        "\(plan.table.name).\(column), row \(firstRow + offset + 1)\(rowName(row, plan.table)): \(mismatch.reason) (the copy was undone: nothing was kept)"
                    )
                }
            }
            tuples.append("(\(placeholders.joined(separator: ", ")))")
        }
        let columns = plan.table.columns.map(quoted).joined(separator: ", ")
        return PostgresQuery(unsafeSQL: "INSERT INTO \(quoted(plan.table.name)) (\(columns)) VALUES \(tuples.joined(separator: ", "))", binds: bindings)
    }

    /// ` (id 12)` when the row has an id, for the message that names a row.
    private static func rowName(_ row: [StoredValue], _ table: StoredTable) -> String {
        guard let index = table.columns.firstIndex(of: "id"), case .integer(let id) = row[index] else { return "" }
        return " (id \(id))"
    }

    /// Compares the counts the engine's triggers wrote while the deliveries were copied with
    /// the copied store's own counters, per destination and state.
    private static func compareCounters(_ plan: TablePlan, from source: any StoreExport, on connection: PostgresConnection, logger: Logger) async throws {
        let table = plan.table
        guard let destination = table.columns.firstIndex(of: "destination"), let state = table.columns.firstIndex(of: "state"),
              let count = table.columns.firstIndex(of: "count")
        else {
            throw Refusal(.schemaDiffers, table: table.name, "\(table.name) lacks its destination, state or count column: the two schemas differ")
        }
        var expected: [String: Int64] = [:]
        var position: StoredRowPosition?
        repeat {
            let page = try await source.exportRows(of: table, after: position, limit: 500)
            for row in page.rows {
                guard case .text(let name) = row[destination], case .text(let stateName) = row[state], case .integer(let value) = row[count] else { continue }
                if value != 0 { expected["\(name) \(stateName)", default: 0] += value }
            }
            position = page.next
        } while position != nil
        var found: [String: Int64] = [:]
        for row in try await connection.rows(PostgresQuery(unsafeSQL: """
            SELECT destination, state, sum(count)::bigint AS n FROM \(quoted(table.name)) GROUP BY destination, state HAVING sum(count) <> 0
            """), logger: logger)
        {
            found["\(try row["destination"].decode(String.self)) \(try row["state"].decode(String.self))"] = try row["n"].decode(Int64.self)
        }
        guard expected == found else {
            let differing = Set(expected.keys).union(found.keys).sorted().filter { expected[$0] != found[$0] }
                .map { "\($0): \(expected[$0] ?? 0) in the store, \(found[$0] ?? 0) counted" }
            throw Refusal(.countMismatch, table: table.name, "the delivery counts differ (\(differing.joined(separator: "; "))): nothing was kept")
        }
    }

    // MARK: Helpers

    /// Runs `body`, a refusal as it is, any other fault as the store's error naming `what` was done.
    private static func attempt<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as Refusal {
            throw refusal
        } catch let failed as PostgresTransactionError {
            if let refusal = failed.closureError as? Refusal { throw refusal }
            throw PostgresStore.storeError(failed, doing: what)
        } catch {
            throw PostgresStore.storeError(error, doing: what)
        }
    }

    /// An identifier as SQL spells it, quoted.
    static func quoted(_ name: String) -> String {
        "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
    }
}
