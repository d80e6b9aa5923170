/// One stored column's value as the SQLite engine stores it (its five storage classes): the
/// engine-neutral form in which a version's digest is computed and a store's rows are copied
/// from one engine to another. An engine whose types differ (PostgreSQL's `timestamptz`,
/// `boolean`) presents its values as SQLite would store them, so that both compute the same
/// digest for the same version.
public enum StoredValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
