import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTrust

/// `audit verify` on a large store: fills a store with `--entries` audit entries, one in ten an
/// `ingest.batch` of ten new records routed to one destination (so as many versions and
/// deliveries as entries), the rest reads; then times the whole verification, with a checkpoint.
struct AuditVerifyBenchmark {
    let options: BenchmarkOptions
    /// Entries between two ingest batches, and records a batch.
    static let batchEvery = 10
    static let recordsPerBatch = 10

    func run() async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let dataDir = folder.file("hub")
        let fillStart = Date()
        let store = try HubStore(directory: dataDir)
        let credential = try await Fixtures.register(in: store, datasets: ["500"])
        var made = 1
        var record = 0
        let now = Date()
        while made < options.entries {
            var batches: [IngestCommit] = []
            var reads: [AuditEvent] = []
            let chunk = min(10_000, options.entries - made)
            for position in 0..<chunk {
                if (made + position) % AuditVerifyBenchmark.batchEvery == 0 {
                    batches.append(batch(from: record, credential: credential))
                    record += AuditVerifyBenchmark.recordsPerBatch
                } else {
                    reads.append(AuditEvent(actorKind: .consumer, actor: "C-BENCH", action: "read.feed", subject: "500",
                                            address: "127.0.0.1", detail: #"{"versions":10,"after":\#(made + position),"purposes":["监督"]}"#))
                }
            }
            // Reads and batches in separate transactions: the order between them does not matter here.
            try await store.commitIngest(batches: batches, receivedAt: now)
            try await store.appendAudit(reads, at: now)
            made += chunk
        }
        let log = AuditCheckpointLog(path: folder.file("audit-checkpoints.log"))
        try log.append(try await store.auditCheckpoint(event: "stop"))
        try store.close()
        print(String(format: "  audit store filled: %d entries, %d versions in %.0f s (%.0f MB)", options.entries, record,
                     Date().timeIntervalSince(fillStart), Double(storeBytes(dataDir)) / 1_000_000))

        let reopened = try HubStore(directory: dataDir, create: false)
        defer { try? reopened.close() }
        let start = Date()
        let report = try await reopened.verifyAudit(checkpoints: log.checkpoints())
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "  audit verify:       %8.0f entries/s  %.1f s  (%d entries, %d versions, %d records, %d deliveries, %@)",
                     Double(report.entries) / seconds, seconds, report.entries, report.versions, report.records, report.deliveries,
                     report.intact ? "intact" : "DAMAGED"))
    }

    /// Ten new project records from `first` on, as a validated batch routed to one destination.
    private func batch(from first: Int, credential: PlatformCredential) -> IngestCommit {
        let items: [IngestCommit.Item] = (0..<AuditVerifyBenchmark.recordsPerBatch).map { offset in
            let key = Fixtures.platformID.rawValue + String(format: "%08d", first + offset)
            let normalized = #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"基准项目 \#(first + offset)","REGION_CODE":"420100","TENDER_MODE":"1"}"#
            let record = ValidatedRecord(
                dataset: "500", businessKey: key, regionCode: "420100", rawPayload: normalized, normalizedPayload: normalized,
                contentHash: DigestAlgorithm.sha256.hexHash(Array(normalized.utf8)), specVersion: "bench"
            )
            return .valid(index: offset, record: record, destinations: ["upstream"])
        }
        return IngestCommit(platform: Fixtures.platformID, appKey: credential.appKey, nonce: "bench-\(first)", address: "127.0.0.1", items: items)
    }

    private func storeBytes(_ dataDir: String) -> Int64 {
        ["", "-wal"].reduce(Int64(0)) { total, suffix in
            let file = dataDir + "/" + HubStore.fileName + suffix
            return total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
