import CoreMetrics

/// The HTTP server's connection figures: `shuniu_http_connections_open`,
/// `shuniu_http_connections_closed_total{reason}` for connections the hub closed itself, and the
/// configured limits as `shuniu_http_limit{name}`.
struct ConnectionMetrics: Sendable {
    /// Why the hub closed a connection.
    enum Reason: String, Sendable, CaseIterable {
        case headerTimeout = "header_timeout"
        case bodyTimeout = "body_timeout"
        case idleTimeout = "idle_timeout"
        case perAddressCap = "per_address_cap"
    }

    private let open: Gauge
    private let closed: [Reason: Counter]

    /// Makes every series at once, so that `/metrics` shows zeros before the first event.
    init(limits: ConnectionLimits, factory: any MetricsFactory) {
        open = Gauge(label: "shuniu_http_connections_open", factory: factory)
        open.record(0)
        var closed: [Reason: Counter] = [:]
        for reason in Reason.allCases {
            closed[reason] = Counter(label: "shuniu_http_connections_closed_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.closed = closed
        let configured = [
            ("header_timeout_seconds", limits.headerTimeoutSeconds),
            ("idle_timeout_seconds", limits.idleTimeoutSeconds),
            ("body_timeout_seconds", limits.bodyTimeoutSeconds),
            ("max_connections_per_address", limits.maxConnectionsPerAddress),
            ("max_connections", limits.maxConnections),
        ]
        for (name, value) in configured {
            Gauge(label: "shuniu_http_limit", dimensions: [("name", name)], factory: factory).record(value)
        }
    }

    /// Records how many connections are open now.
    func openConnections(_ count: Int) {
        open.record(count)
    }

    /// Counts one connection the hub closed, and why.
    func closed(_ reason: Reason) {
        closed[reason]?.increment()
    }
}
