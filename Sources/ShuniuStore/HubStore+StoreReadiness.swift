import ShuniuCore

/// The SQLite engine's readiness (HubStore.swift, StoreHealth.swift).
extension HubStore: StoreReadiness {
    public var writeState: StoreWriteState { health.current }
}
