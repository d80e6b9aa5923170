import Foundation
import ShuniuCore
import ShuniuMapping
import ShuniuSpec
import ShuniuTesting

/// Records/s through read + map + validate for each sample platform, and the peak memory of
/// `shuniu mappings test` on a 50 MB batch file of each platform's shape.
struct MappingBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let spec = try SpecLoader.load(directory: RepositoryPaths.spec)
        let registry = MappingRegistry(folder: RepositoryPaths.mappings + "/platforms", spec: spec)
        let report = registry.reload()
        guard report.isClean else { throw BenchmarkError("mapping files refused: \(report.refused)") }
        print("map + validate, one core, \(options.batches) rounds over each platform's sample payloads")
        print("PLATFORM     FORMAT  PAYLOADS  RECORDS/s (read+map+validate)  RECORDS/s (map+validate)")
        for mapping in registry.mappings {
            guard let engine = registry.engine(for: mapping.platform) else { continue }
            let payloads = try samplePayloads(mapping.platform)
            guard !payloads.isEmpty else { continue }
            let decoded = try payloads.map { try mapping.decodePayload($0) }
            let validator = RecordValidator(spec: spec)
            var records = 0
            let start = Date()
            for _ in 0..<options.batches {
                for payload in payloads { records += MappingTrial(payload: payload, engine: engine).records.count }
            }
            let whole = Double(records) / Date().timeIntervalSince(start)
            records = 0
            let mapStart = Date()
            for _ in 0..<options.batches {
                for payload in decoded {
                    for record in engine.apply(to: payload).records {
                        if case .success = validator.validate(record.data, as: spec.dataset(record.dataset)!, path: record.sourcePath) { records += 1 }
                    }
                }
            }
            let mapOnly = Double(records) / Date().timeIntervalSince(mapStart)
            print("\(mapping.platform)  \(mapping.format.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(String(payloads.count).padding(toLength: 8, withPad: " ", startingAt: 0))  \(Int(whole).formatted().padding(toLength: 29, withPad: " ", startingAt: 0))  \(Int(mapOnly).formatted())")
        }
        try largeFiles()
    }

    private func samplePayloads(_ platform: PlatformID) throws -> [[UInt8]] {
        let folder = RepositoryPaths.root + "/Ops/samples/platforms/\(platform)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }.sorted().map {
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)))
        }
    }

    /// 50 MB files in the flat JSON and the XML shapes, each run through `shuniu mappings test`
    /// in a child process whose peak RSS the kernel reports.
    private func largeFiles() throws {
        let folder = NSTemporaryDirectory() + "shuniu-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = 50 * 1024 * 1024
        let jsonFile = folder + "/sections-50MB.json"
        let xmlFile = folder + "/tender-project-50MB.xml"
        let jsonCount = try writeFlatJSON(to: jsonFile, bytes: target)
        let xmlCount = try writeXML(to: xmlFile, bytes: target)
        print("\n`shuniu mappings test` on 50 MB files (executable: \(RepositoryPaths.executable))")
        print("FILE                         MB     RECORDS   SECONDS  PEAK RSS MiB")
        for (file, platform, records) in [(jsonFile, "E4201000004", jsonCount), (xmlFile, "E4201000005", xmlCount)] {
            let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
            let (seconds, peak, status) = try runMeasured(["mappings", "test", "--platform", platform, file])
            let name = (file as NSString).lastPathComponent
            print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%5.1f", size))  \(String(records).padding(toLength: 9, withPad: " ", startingAt: 0)) \(String(format: "%7.1f", seconds))  \(peak / 1024)\(status == 0 ? "" : "  (exit \(status))")")
        }
    }

    /// Repeats the flat Chinese-keyed sections with fresh codes until the file is `bytes` long.
    private func writeFlatJSON(to file: String, bytes: Int) throws -> Int {
        let sample = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000004/sections.json"))) as! [[String: Any]]
        var out = Data("[\n".utf8)
        var count = 0
        while out.count < bytes {
            var item = sample[count % sample.count]
            item["标段编号"] = (item["招标项目编号"] as! String) + String(format: "%03d", count % 1000)
            let data = try JSONSerialization.data(withJSONObject: item)
            if count > 0 { out.append(Data(",\n".utf8)) }
            out.append(data)
            count += 1
        }
        out.append(Data("\n]\n".utf8))
        try out.write(to: URL(fileURLWithPath: file))
        return count
    }

    /// Repeats the CEB-style `<BidSection>` elements of the sample tender project.
    private func writeXML(to file: String, bytes: Int) throws -> Int {
        let text = try String(contentsOfFile: RepositoryPaths.root + "/Ops/samples/platforms/E4201000005/tender-project.xml", encoding: .utf8)
        guard let first = text.range(of: "<BidSection>"), let last = text.range(of: "</BidSection>", options: .backwards) else {
            throw BenchmarkError("the XML sample has no <BidSection>")
        }
        let sections = String(text[first.lowerBound..<last.upperBound])
        var body = String(text[..<first.lowerBound])
        let tail = String(text[last.upperBound...])
        var count = 0
        body.reserveCapacity(bytes + tail.utf8.count)
        while body.utf8.count < bytes {
            body += sections
            count += 2
        }
        try (body + tail).write(toFile: file, atomically: false, encoding: .utf8)
        return count
    }

    /// Wall time, peak RSS (KiB) and exit status of `shuniu ARGUMENTS`, its output discarded.
    private func runMeasured(_ arguments: [String]) throws -> (Double, Int, Int32) {
        let start = Date()
        let child = try ChildProcess(RepositoryPaths.executable, arguments, outputFile: "/dev/null")
        let status = child.waitUntilExit()
        return (Date().timeIntervalSince(start), child.peakResidentKiB ?? 0, status)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
