import Logging
import PostgresNIO

/// One row of a multi-row statement: each value bound as a parameter (never spliced into the
/// SQL) and cast to its column's type, so that a VALUES list reads alike in an INSERT and in
/// an UPDATE's FROM clause, where no target column gives the types.
struct BoundRow {
    fileprivate var bindings: PostgresBindings
    fileprivate var placeholders: [String] = []

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?, as type: String) {
        bindings.append(value)
        placeholders.append("$\(bindings.count)::\(type)")
    }
}

extension PostgresConnection {
    /// Runs `head`, then `rows` as one VALUES list, then `tail`: one statement for many rows, in as
    /// few statements as a statement's parameter limit allows (`columns` bound per row).
    func run<Row>(
        _ head: String, rows: [Row], columns: Int, tail: String = "", logger: Logger, bind: (Row, inout BoundRow) -> Void
    ) async throws {
        // PostgreSQL takes at most 65,535 parameters per statement.
        let perStatement = max(1, 30_000 / max(1, columns))
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + perStatement, rows.endIndex)
            var row = BoundRow(bindings: PostgresBindings(capacity: (end - start) * columns))
            var tuples: [String] = []
            tuples.reserveCapacity(end - start)
            for value in rows[start..<end] {
                row.placeholders.removeAll(keepingCapacity: true)
                bind(value, &row)
                tuples.append("(" + row.placeholders.joined(separator: ", ") + ")")
            }
            try await run(PostgresQuery(unsafeSQL: head + tuples.joined(separator: ", ") + tail, binds: row.bindings), logger: logger)
            start = end
        }
    }
}
