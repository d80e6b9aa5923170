/// Whether the store can serve: `/readyz` asks at every call.
public protocol StoreReadiness: Sendable {
    /// True when the store answers a trivial query and takes writes. While writes fail, a call
    /// may probe (rate-limited by the engine), so readiness returns with the space.
    func isReady() async -> Bool

    /// What the store's last write found.
    var writeState: StoreWriteState { get }

    /// The engine's name, as the configuration spells it: `sqlite`, `postgres`.
    var engineName: String { get }
}
