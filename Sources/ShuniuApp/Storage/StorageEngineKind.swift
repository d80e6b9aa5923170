/// `storage.engine`: which database holds the hub's store.
public enum StorageEngineKind: String, Sendable, CaseIterable {
    /// One SQLite file in `storage.dataDir`, for one instance: the embedded default.
    case sqlite
    /// A PostgreSQL database (`storage.postgres`), which several instances may share.
    case postgres
}
