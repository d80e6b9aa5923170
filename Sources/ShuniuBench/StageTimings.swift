import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import ShuniuTrust

/// CPU cost of each in-process stage of ingest for the same records, without HTTP or SQLite:
/// where a batch's time goes.
enum StageTimings {
    static func measure(records count: Int) throws -> [(stage: String, perSecond: Double)] {
        let spec = try SpecLoader.load(directory: RepositoryPaths.spec)
        let validator = RecordValidator(spec: spec)
        let dataset = spec.dataset("500")!
        let body = try Fixtures.batch(Fixtures.projects(count: 100))
        let batch = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        guard case .array(let records)? = batch.objectValue?["records"] else { return [] }
        let datas = records.compactMap { $0.objectValue?["data"]?.objectValue }
        let rounds = max(1, count / datas.count)

        func rate(_ work: () throws -> Void) rethrows -> Double {
            let start = Date()
            for _ in 0..<rounds { try work() }
            return Double(rounds * datas.count) / Date().timeIntervalSince(start)
        }
        let decode = try rate { _ = try JSONDecoder().decode(JSONValue.self, from: Data(body)) }
        let validate = rate { for data in datas { _ = validator.validate(data, as: dataset, path: "$") } }
        let canonical = rate { for record in records { _ = record.canonicalText } }
        let texts = records.map(\.canonicalText)
        let hash = rate { for text in texts { _ = DigestAlgorithm.sha256.hexHash(Array(text.utf8)) } }
        return [("decode JSON", decode), ("validate", validate), ("canonical JSON", canonical), ("SHA-256", hash)]
    }
}
