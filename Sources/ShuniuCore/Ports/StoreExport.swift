/// A store read out table by table, for `shuniu migrate-store`: every row of every table that
/// holds the hub's data, in the engine-neutral ``StoredValue``, so that another engine can take
/// them in.
///
/// Every exporting engine must keep these guarantees:
/// - ``exportedTables()`` lists the hub's tables **in foreign-key order** (a table after those
///   its rows refer to), leaving out the engine's own bookkeeping (its migrations table, its
///   sequences); each table's columns are the ones its rows give.
/// - ``exportRows(of:after:limit:)`` gives each row exactly once across pages, in a stable order,
///   as long as the store is not written meanwhile (the hub is stopped while it is copied).
public protocol StoreExport: Sendable {
    /// The tables to copy, in foreign-key order, with their columns and row counts.
    func exportedTables() async throws -> [StoredTable]

    /// Up to `limit` rows of `table` after `position` (from the first when nil).
    func exportRows(of table: StoredTable, after position: StoredRowPosition?, limit: Int) async throws -> StoredRowPage
}
