import Foundation
import ShuniuCore
import ShuniuMapping
import ShuniuSpec
import ShuniuTesting
import ShuniuTrust

/// CPU cost of each in-process stage of ingest for the same records, without HTTP or SQLite:
/// where a batch's time goes.
enum StageTimings {
    static func measure(records count: Int) throws -> [(stage: String, perSecond: Double)] {
        let spec = try RepositoryPaths.loadedSpec()
        let reader = JSONReader(maxDepth: 8)  // as ingest reads a batch (IngestLimits.maxDepth)
        let validator = RecordValidator(spec: spec)
        let dataset = spec.dataset("500")!
        let body = try Fixtures.batch(Fixtures.projects(count: 100))
        let batch = try reader.read(body)
        guard case .array(let records)? = batch.objectValue?["records"] else { return [] }
        let datas = records.compactMap { $0.objectValue?["data"]?.objectValue }
        let rounds = max(1, count / datas.count)

        func rate(_ work: () throws -> Void) rethrows -> Double {
            let start = Date()
            for _ in 0..<rounds { try work() }
            return Double(rounds * datas.count) / Date().timeIntervalSince(start)
        }
        // The hub's own reader (strict UTF-8, no repeated member, depth bounded).
        let decode = try rate { _ = try reader.read(body) }
        let validate = rate { for data in datas { _ = validator.validate(data, as: dataset, path: "$") } }
        let canonical = rate { for record in records { _ = record.canonicalText } }
        let texts = records.map(\.canonicalText)
        let hash = rate { for text in texts { _ = DigestAlgorithm.sha256.hexHash(Array(text.utf8)) } }
        let mapping = try MappingEngine(mapping: MappingLoader.load(file: RepositoryPaths.mappings + "/platforms/E4201000003.yaml", spec: spec), spec: spec)
        let sample = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000003/project.json")))
        let mapRounds = max(1, count / 4)
        let mapStart = Date()
        for _ in 0..<mapRounds {
            for record in mapping.apply(to: sample).records { _ = validator.validate(record.data, as: spec.dataset(record.dataset)!, path: record.sourcePath) }
        }
        let mapped = Double(mapRounds * 4) / Date().timeIntervalSince(mapStart)
        return [("decode JSON", decode), ("validate", validate), ("canonical JSON", canonical), ("SHA-256", hash), ("map+validate", mapped)]
    }
}
