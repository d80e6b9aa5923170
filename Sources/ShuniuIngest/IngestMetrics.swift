import CoreMetrics
import Foundation

/// Ingest counts and latency per platform, into whatever metrics factory the hub chose.
///
/// - `shuniu_ingest_records_total{platform, outcome}`: accepted, duplicate, rejected
/// - `shuniu_ingest_requests_total{platform, outcome}`: ok, or the refusal code
/// - `shuniu_ingest_batch_seconds{platform}`: from receipt to answer, committed
struct IngestMetrics: Sendable {
    let factory: any MetricsFactory

    func recordBatch(platform: String, response: IngestResponse, seconds: Double) {
        for (outcome, count) in [("accepted", response.accepted), ("duplicate", response.duplicate), ("rejected", response.rejected)] where count > 0 {
            Counter(label: "shuniu_ingest_records_total", dimensions: [("platform", platform), ("outcome", outcome)], factory: factory)
                .increment(by: count)
        }
        Counter(label: "shuniu_ingest_requests_total", dimensions: [("platform", platform), ("outcome", "ok")], factory: factory).increment()
        Timer(label: "shuniu_ingest_batch_seconds", dimensions: [("platform", platform)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    func recordRefusal(platform: String?, code: String) {
        Counter(label: "shuniu_ingest_requests_total", dimensions: [("platform", platform ?? "-"), ("outcome", code)], factory: factory).increment()
    }
}
