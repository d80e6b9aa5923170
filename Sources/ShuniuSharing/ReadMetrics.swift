import CoreMetrics

/// Consumers' reads, into whatever metrics factory the hub chose.
///
/// - `shuniu_read_requests_total{consumer, action, outcome}`: ok, or the refusal code
/// - `shuniu_read_versions_total{consumer}`: versions served (feed, records, versions)
struct ReadMetrics: Sendable {
    let factory: any MetricsFactory

    func recordServed(consumer: String, action: String, versions: Int) {
        Counter(label: "shuniu_read_requests_total", dimensions: [("consumer", consumer), ("action", action), ("outcome", "ok")], factory: factory).increment()
        if versions > 0 {
            Counter(label: "shuniu_read_versions_total", dimensions: [("consumer", consumer)], factory: factory).increment(by: versions)
        }
    }

    func recordRefusal(consumer: String?, action: String, code: String) {
        Counter(label: "shuniu_read_requests_total", dimensions: [("consumer", consumer ?? "-"), ("action", action), ("outcome", code)], factory: factory).increment()
    }
}
