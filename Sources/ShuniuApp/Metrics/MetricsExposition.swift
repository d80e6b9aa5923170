import CoreMetrics
import Logging
import Prometheus
import ShuniuConnectors
import ShuniuCore

/// What `/metrics` serves: the hub's registry with a `# HELP` line for every family, then the
/// process metrics and the served certificate's expiry. Before the first answer the counters of every label value known at start
/// are created at zero (``ZeroSeries``), so that Prometheus' `increase()` sees the first event.
actor MetricsExposition {
    let registry: PrometheusCollectorRegistry
    let zeroSeries: ZeroSeries
    let serverTLS: ServerTLSState?
    private var seeding: Task<Void, Never>?

    init(registry: PrometheusCollectorRegistry, zeroSeries: ZeroSeries, serverTLS: ServerTLSState?) {
        self.registry = registry
        self.zeroSeries = zeroSeries
        self.serverTLS = serverTLS
    }

    /// Creates the zero series once; later calls wait for that one to end.
    func seed() async {
        if seeding == nil {
            let zeroSeries = self.zeroSeries
            seeding = Task { await zeroSeries.create() }
        }
        await seeding?.value
    }

    func text() async -> [UInt8] {
        await seed()
        return MetricsCatalogue.withHelp(registry.emitToBuffer()) + Array((ProcessMetrics.exposition() + ServerTLSMetrics.exposition(serverTLS)).utf8)
    }
}

/// The counter (and histogram) series whose label values are known at start: per configured
/// destination and connector endpoint, per registered platform and consumer.
struct ZeroSeries: Sendable {
    let factory: any MetricsFactory
    let store: any PlatformRegistry & ConsumerRegistry
    let destinations: [String]
    let connectors: [ConnectorConfiguration]
    let logger: Logger

    static let deliveryOutcomes = ["delivered", "retry", "dead"]
    static let recordOutcomes = ["accepted", "duplicate", "rejected"]
    static let readActions = ["read.feed", "read.record", "read.versions", "read.dispute"]

    func create() async {
        for destination in destinations {
            for outcome in Self.deliveryOutcomes {
                _ = Counter(label: "shuniu_delivery_attempts_total", dimensions: [("destination", destination), ("outcome", outcome)], factory: factory)
            }
            _ = Timer(label: "shuniu_delivery_seconds", dimensions: [("destination", destination)], factory: factory)
        }
        for connector in connectors {
            for endpoint in connector.endpoints {
                for name in ["shuniu_connector_pages_total", "shuniu_connector_records_total", "shuniu_connector_failures_total"] {
                    _ = Counter(label: name, dimensions: [("connector", connector.name), ("endpoint", endpoint.name)], factory: factory)
                }
            }
        }
        do {
            for platform in try await store.platforms() {
                let id = platform.id.rawValue
                for outcome in Self.recordOutcomes {
                    _ = Counter(label: "shuniu_ingest_records_total", dimensions: [("platform", id), ("outcome", outcome)], factory: factory)
                }
                _ = Counter(label: "shuniu_ingest_requests_total", dimensions: [("platform", id), ("outcome", "ok")], factory: factory)
                _ = Timer(label: "shuniu_ingest_batch_seconds", dimensions: [("platform", id)], factory: factory)
            }
            for consumer in try await store.consumers() {
                for action in Self.readActions {
                    _ = Counter(label: "shuniu_read_requests_total", dimensions: [("consumer", consumer.id), ("action", action), ("outcome", "ok")], factory: factory)
                }
                _ = Counter(label: "shuniu_read_versions_total", dimensions: [("consumer", consumer.id)], factory: factory)
            }
        } catch {
            logger.warning("cannot list platforms and consumers: their metrics appear with their first event", metadata: ["error": "\(error)"])
        }
    }
}
