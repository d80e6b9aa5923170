import ShuniuCore

/// SQLite, the embedded engine: every port, on one file.
extension HubStore: StoreEngine {
    public var engineName: String { "sqlite" }
}
