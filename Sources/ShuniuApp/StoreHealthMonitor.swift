import CoreMetrics
import Logging
import ServiceLifecycle
import ShuniuCore
import Synchronization

/// Watches the store's room and writability: logs each change of ``StoreHealth``'s kind once, serves
/// `shuniu_store_free_bytes`, `shuniu_store_size_bytes` and `shuniu_store_writable`, and while
/// writes fail probes with one small write, so the hub notices by itself when space returns.
struct StoreHealthMonitor: Service {
    let store: any StoreAdministration
    let logger: Logger
    let interval: Duration
    private let freeBytes: Gauge
    private let sizeBytes: Gauge
    private let writable: Gauge

    init(store: any StoreAdministration, factory: any MetricsFactory, interval: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.logger = logger
        self.interval = interval
        freeBytes = Gauge(label: "shuniu_store_free_bytes", dimensions: [], factory: factory)
        sizeBytes = Gauge(label: "shuniu_store_size_bytes", dimensions: [], factory: factory)
        writable = Gauge(label: "shuniu_store_writable", dimensions: [], factory: factory)
        let writable = self.writable
        // Logged when the kind of state changes; a fault whose reason text changes is the same fault.
        let lastKind = Mutex<String>("writable")
        store.observeWriteState { [logger] state in
            let kind: String
            switch state {
            case .writable: kind = "writable"
            case .full: kind = "full"
            case .unavailable: kind = "unavailable"
            }
            guard lastKind.withLock({ last in defer { last = kind }; return last != kind }) else { return }
            switch state {
            case .writable:
                logger.notice("the store takes writes again")
                writable.record(1)
            case .full(let reason):
                logger.error("the store is full: pushes and reads are answered 503 store.full until space is freed", metadata: ["reason": "\(reason)"])
                writable.record(0)
            case .unavailable(let reason):
                logger.error("the store cannot be written: pushes and reads are answered 503 store.unavailable", metadata: ["reason": "\(reason)"])
                writable.record(0)
            }
        }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await sample()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func sample() async {
        if let free = store.freeDiskBytes() { freeBytes.record(free) }
        if let size = try? await store.storeBytes() { sizeBytes.record(size) }
        if !store.writeState.isWritable { try? await store.probeWrite() }
        writable.record(store.writeState.isWritable ? 1 : 0)
    }
}
