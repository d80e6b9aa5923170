/// One table of a store as another engine receives it: its name, its columns, and how many rows
/// it holds; the rows come in ``StoredRowPage``s, in the engine-neutral ``StoredValue``.
public struct StoredTable: Sendable, Hashable, Codable {
    public var name: String
    /// The columns, in the order of each row's values.
    public var columns: [String]
    /// Rows in the table when it was listed (the store is not written meanwhile: the hub is stopped).
    public var rows: Int
    /// The highest generated id the engine has handed out, which may exceed the largest id left
    /// in the table; nil when the table has no generated id. The receiving engine's counter is
    /// set past it, so that no id is ever given twice.
    public var issuedID: Int64?

    public init(name: String, columns: [String], rows: Int, issuedID: Int64? = nil) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.issuedID = issuedID
    }
}

/// Rows of one ``StoredTable``, each a value per column in the table's column order, and where
/// the next page starts.
public struct StoredRowPage: Sendable {
    public var rows: [[StoredValue]]
    /// What to pass for the next page; nil when this page is the table's last.
    public var next: StoredRowPosition?

    public init(rows: [[StoredValue]], next: StoredRowPosition?) {
        self.rows = rows
        self.next = next
    }
}

/// Where a page of rows ends: the key of its last row, opaque to everyone but the exporting engine.
public struct StoredRowPosition: Sendable, Hashable {
    public var key: [StoredValue]

    public init(key: [StoredValue]) {
        self.key = key
    }
}
