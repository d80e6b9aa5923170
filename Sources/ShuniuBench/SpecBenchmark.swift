import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import ShuniuTransport

/// What the whole spec costs: reading `Mappings/spec` (every dataset, code list and the GB/T 2260
/// tables), validating records on one core, and a `shuniu serve` from exec to a ready `/readyz`.
///
/// The records are every dataset's complete record and its single-field mutations
/// (`SpecRecordFactory`); `--records FILE` saves them on the first run and reads them back on
/// later ones, so that two builds are compared on the same records.
struct SpecBenchmark {
    let options: BenchmarkOptions

    struct Sample: Codable {
        var dataset: String
        var record: [String: JSONValue]
    }

    func run() async throws {
        let clock = ContinuousClock()
        var loads: [Double] = []
        var spec = try SpecLoader.load(directory: RepositoryPaths.spec)
        for _ in 0..<5 {
            let start = clock.now
            spec = try SpecLoader.load(directory: RepositoryPaths.spec)
            loads.append(seconds(clock.now - start))
        }
        let load = LatencySummary(seconds: loads)
        print("spec \(spec.version): \(spec.datasets.count) datasets, \(spec.codeLists.count) code lists, \(spec.regions.names.count) regions in force")
        print("spec load (5 runs): median \(format(load.percentile(50))) ms, max \(format(load.percentile(100))) ms")

        let samples = try records(spec)
        let validator = RecordValidator(spec: spec)
        let datasets = samples.map { spec.dataset(DatasetID(rawValue: $0.dataset)) }
        var accepted = 0
        var perRecord: [Double] = []
        perRecord.reserveCapacity(samples.count)
        for (sample, dataset) in zip(samples, datasets) {
            guard let dataset else { continue }
            let start = clock.now
            let result = validator.validate(sample.record, as: dataset, path: "$")
            perRecord.append(seconds(clock.now - start))
            if case .success = result { accepted += 1 }
        }
        let rounds = options.batches
        let start = clock.now
        var validated = 0
        for _ in 0..<rounds {
            for (sample, dataset) in zip(samples, datasets) {
                guard let dataset else { continue }
                _ = validator.validate(sample.record, as: dataset, path: "$")
                validated += 1
            }
        }
        let rate = Double(validated) / seconds(clock.now - start)
        let latency = LatencySummary(seconds: perRecord)
        print("validation, one core: \(samples.count) records (\(accepted) accepted, \(samples.count - accepted) refused) × \(rounds) rounds")
        print("  \(Int(rate).formatted()) records/s; per record p50 \(format(latency.percentile(50) * 1000)) µs, p99 \(format(latency.percentile(99) * 1000)) µs; RSS \(format(ProcessMemory.residentMiB().current)) MiB")

        var startups: [Double] = []
        for _ in 0..<5 { startups.append(try await hubStartup()) }
        let startup = LatencySummary(seconds: startups)
        print("hub start-up, exec to /readyz 200 (5 runs): median \(format(startup.percentile(50))) ms, max \(format(startup.percentile(100))) ms")
    }

    /// The saved records, or new ones (saved when a file is named).
    func records(_ spec: DataSpec) throws -> [Sample] {
        if let path = options.recordsFile, let data = FileManager.default.contents(atPath: path) {
            print("records read from \(path)")
            return try JSONDecoder().decode([Sample].self, from: data)
        }
        let factory = try SpecRecordFactory(spec: spec)
        var samples: [Sample] = []
        for dataset in factory.datasets {
            samples.append(Sample(dataset: dataset.dataset.rawValue, record: factory.completeRecord(dataset)))
            samples += factory.mutations(dataset).map { Sample(dataset: $0.dataset.rawValue, record: $0.record) }
        }
        if let path = options.recordsFile {
            try JSONEncoder().encode(samples).write(to: URL(fileURLWithPath: path))
            print("records generated and saved to \(path)")
        }
        return samples
    }

    /// Seconds from spawning `shuniu serve` on a new data folder to its first `/readyz` 200.
    func hubStartup() async throws -> Double {
        let folder = NSTemporaryDirectory() + "shuniu-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/serve.log"
        let started = ContinuousClock.now
        return try await ChildProcess.withRunning(
            RepositoryPaths.executable, ["serve", "--data-dir", folder + "/var", "--host", "127.0.0.1", "--port", "0"],
            directory: RepositoryPaths.root, environment: CLI.environment(), outputFile: log
        ) { process in
            let deadline = started + .seconds(30)
            while ContinuousClock.now < deadline && process.isRunning {
                if let port = HubProcess.listeningPort(in: (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""),
                   await ready(port) {
                    return seconds(ContinuousClock.now - started)
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            throw BenchmarkError("shuniu serve did not become ready: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }

    func ready(_ port: Int) async -> Bool {
        let request = OutgoingRequest(method: "GET", url: "http://127.0.0.1:\(port)/readyz", timeoutSeconds: 1)
        return (try? await CurlHTTPClient().send(request).status) == 200
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
