import ShuniuCore

// SCAFFOLD: removed once every port below is built on PostgreSQL.
extension PostgresStore {
    static func notYet(_ what: String) -> StoreError {
        StoreError(.unavailable, "\(what) is not built on PostgreSQL yet")
    }
}
