import CoreMetrics
import Logging
import ServiceLifecycle
import ShuniuCore

/// Publishes each destination's queue as gauges every few seconds, from the store's counters:
/// `shuniu_queue_depth{destination, state}`, `shuniu_queue_oldest_pending_seconds{destination}`
/// and `shuniu_withdrawals_overdue{destination}` (withdrawals past their working-day deadline).
struct QueueMetricsSampler: Service {
    let store: any QueueAdministration
    let destinations: [String]
    let withdrawals: WithdrawalDeadlines
    let factory: any MetricsFactory
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                for stats in try await store.queueStats(destinations: destinations) {
                    for (state, count) in [("pending", stats.pending), ("in_flight", stats.inFlight), ("retrying", stats.retrying), ("dead", stats.dead)] {
                        Gauge(label: "shuniu_queue_depth", dimensions: [("destination", stats.destination), ("state", state)], factory: factory)
                            .record(count)
                    }
                    Gauge(label: "shuniu_queue_oldest_pending_seconds", dimensions: [("destination", stats.destination)], factory: factory)
                        .record(stats.oldestPendingSeconds ?? 0)
                }
                let overdue = Dictionary(uniqueKeysWithValues: try await withdrawals.overdue().map { ($0.destination, $0.count) })
                for destination in destinations {
                    Gauge(label: "shuniu_withdrawals_overdue", dimensions: [("destination", destination)], factory: factory).record(overdue[destination] ?? 0)
                }
            } catch {
                logger.warning("sampling queue metrics failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
