import ShuniuCore

/// The SQLite engine's administration (HubStore.swift, +Status.swift, +Backup.swift): one file,
/// its WAL beside it, copied with SQLite's online backup.
extension HubStore: StoreAdministration {
    public var location: String { path }

    /// The database file with its WAL and shared-memory index.
    public func storeBytes() async throws -> Int64 { sizeOnDisk() }

    public func observeWriteState(_ handler: @escaping @Sendable (StoreWriteState) -> Void) {
        health.observe(handler)
    }
}
