import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuMapping
import ShuniuSpec

/// `shuniu mappings`: check platform mapping files and try them on payloads, storing nothing.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Check mapping files and try them on sample payloads (nothing is stored).",
        subcommands: [Check.self, Test.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check mapping files against the spec; every problem with its line.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Mapping files (default: every file in Mappings/platforms).") var files: [String] = []

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let folder = (configuration.mappingsDir as NSString).appendingPathComponent("platforms")
            let chosen = files.isEmpty
                ? ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
                : files
            var report: [Diagnostic] = []
            for file in chosen {
                do {
                    let mapping = try MappingLoader.load(file: file, spec: spec)
                    if !output.json { print("\(file): ok (platform \(mapping.platform), version \(mapping.version), \(mapping.records.count) record mappings)") }
                } catch let error as DiagnosticsError {
                    report += error.diagnostics
                    if !output.json { error.diagnostics.forEach { print($0) } }
                }
            }
            if output.json { try Output.json(report) }
            if !report.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Map payloads with a platform's mapping and validate the records; store nothing.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The platform whose mapping file to use.") var platform: String
        @Argument(help: "Payload files (JSON).") var payloads: [String]

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let file = (configuration.mappingsDir as NSString).appendingPathComponent("platforms/\(platform).yaml")
            let engine = MappingEngine(mapping: try MappingLoader.load(file: file, spec: spec), spec: spec)
            let validator = RecordValidator(spec: spec)
            var results: [MappingTestResult] = []
            for payloadFile in payloads {
                guard let data = FileManager.default.contents(atPath: payloadFile) else { throw ValidationError("cannot read \(payloadFile)") }
                let payload: JSONValue
                do { payload = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
                    throw ValidationError("\(payloadFile) is not valid JSON")
                }
                let (records, mappingProblems) = engine.apply(to: payload)
                var result = MappingTestResult(payload: payloadFile, records: [], problems: mappingProblems)
                for record in records {
                    switch validator.validate(record.data, as: spec.dataset(record.dataset)!, path: record.sourcePath) {
                    case .success(let checked):
                        result.records.append(.init(dataset: record.dataset.rawValue, key: checked.businessKey, source: record.sourcePath, fields: checked.fields))
                    case .failure(let failure):
                        result.problems += failure.problems
                    }
                }
                results.append(result)
            }
            if output.json { try Output.json(results) } else {
                for result in results {
                    print("\(result.payload): \(result.records.count) record(s), \(result.problems.count) problem(s)")
                    for record in result.records {
                        print("  \(record.dataset) \(record.key)  ← \(record.source)")
                        print("    " + JSONValue.object(record.fields.mapValues(JSONValue.string)).canonicalText)
                    }
                    for problem in result.problems {
                        print("  ✗ \(problem.code) \(problem.path)\(problem.label.map { " [\($0)]" } ?? ""): \(problem.message)")
                    }
                }
            }
            if results.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(1) }
        }
    }
}

/// What `mappings test` found in one payload.
struct MappingTestResult: Encodable {
    struct Record: Encodable {
        var dataset: String
        var key: String
        var source: String
        var fields: [String: String]
    }

    var payload: String
    var records: [Record]
    var problems: [Problem]
}
