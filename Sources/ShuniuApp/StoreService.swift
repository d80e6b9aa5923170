import ServiceLifecycle
import ShuniuCore

/// Keeps the store open while the hub runs and closes it last, after the HTTP server has
/// finished its in-flight requests (the service group stops services in reverse order).
struct StoreService: Service {
    let store: any StoreAdministration

    func run() async throws {
        try? await gracefulShutdown()
        try store.close()
    }
}
