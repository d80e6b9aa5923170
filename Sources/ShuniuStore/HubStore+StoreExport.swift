import Foundation
import GRDB
import ShuniuCore

/// The SQLite store read out for another engine (`shuniu migrate-store`).
extension HubStore: StoreExport {
    /// SQLite's and GRDB's own tables, which describe this file, not the hub.
    static let bookkeepingTables: Set<String> = ["grdb_migrations"]

    public func exportedTables() async throws -> [StoredTable] {
        try await pool.read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
                """).filter { !HubStore.bookkeepingTables.contains($0) }
            let issued = Dictionary(
                try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence").map { row in (row["name"] as String, row["seq"] as Int64) },
                uniquingKeysWith: max
            )
            var references: [String: Set<String>] = [:]
            for name in names {
                references[name] = Set(try db.foreignKeys(on: name).map(\.destinationTable)).subtracting([name])
            }
            return try HubStore.foreignKeyOrder(names, references: references).map { name in
                StoredTable(
                    name: name, columns: try db.columns(in: name).map(\.name),
                    rows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0,
                    issuedID: issued[name]
                )
            }
        }
    }

    public func exportRows(of table: StoredTable, after position: StoredRowPosition?, limit: Int) async throws -> StoredRowPage {
        try await pool.read { db in
            let key = try HubStore.pagingKey(of: table.name, in: db)
            let keyList = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let columnList = table.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            var sql = "SELECT \(keyList), \(columnList) FROM \(table.name.quotedDatabaseIdentifier)"
            var arguments = StatementArguments()
            if let position {
                // Row values compare as the ORDER BY sorts: the page resumes after the last row's key.
                sql += " WHERE (\(keyList)) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))"
                arguments = StatementArguments(position.key.map(\.databaseValue))
            }
            sql += " ORDER BY \(keyList) LIMIT \(max(1, limit))"
            var rows: [[StoredValue]] = []
            var last: [StoredValue] = []
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let values = row.databaseValues.map(\.exportedValue)
                last = Array(values.prefix(key.count))
                rows.append(Array(values.dropFirst(key.count)))
            }
            return StoredRowPage(rows: rows, next: rows.count < max(1, limit) ? nil : StoredRowPosition(key: last))
        }
    }

    /// The columns that order a table's rows once each: its rowid, or a WITHOUT ROWID table's primary key.
    private static func pagingKey(of table: String, in db: Database) throws -> [String] {
        if (try? db.makeStatement(sql: "SELECT rowid FROM \(table.quotedDatabaseIdentifier) LIMIT 0")) != nil { return ["rowid"] }
        return try db.primaryKey(table).columns
    }

    /// `names` ordered so that each table comes after those it refers to, else in their given
    /// order; a cycle (none in the schema) keeps the given order for the tables in it.
    static func foreignKeyOrder(_ names: [String], references: [String: Set<String>]) -> [String] {
        var ordered: [String] = []
        var placed: Set<String> = []
        var remaining = names
        while !remaining.isEmpty {
            let ready = remaining.filter { name in (references[name] ?? []).allSatisfy { placed.contains($0) || !names.contains($0) } }
            let next = ready.isEmpty ? [remaining[0]] : ready
            ordered += next
            placed.formUnion(next)
            remaining.removeAll { placed.contains($0) }
        }
        return ordered
    }
}

extension DatabaseValue {
    /// The value in the engine-neutral form: SQLite's storage classes are its cases.
    fileprivate var exportedValue: StoredValue {
        switch storage {
        case .null: .null
        case .int64(let value): .integer(value)
        case .double(let value): .real(value)
        case .string(let value): .text(value)
        case .blob(let value): .blob([UInt8](value))
        }
    }
}

extension StoredValue {
    /// The value as GRDB binds it, for a page's resume key.
    fileprivate var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): Data(value).databaseValue
        }
    }
}
