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
        subcommands: [Check.self, Test.self, Reload.self]
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
            var report = CheckReport()
            for file in chosen {
                do {
                    let mapping = try MappingLoader.load(file: file, spec: spec)
                    report.passed.append(.init(file: file, platform: mapping.platform.rawValue, version: mapping.version, recordMappings: mapping.records.count))
                    if !output.json { print("\(file): ok (platform \(mapping.platform), version \(mapping.version), \(mapping.records.count) record mappings)") }
                } catch let error as DiagnosticsError {
                    report.problems += error.diagnostics
                    if !output.json { error.diagnostics.forEach { print($0) } }
                }
            }
            if output.json { try Output.json(report) }
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// `mappings check --json`: the files that passed, and every problem of those that did not.
    struct CheckReport: Encodable {
        struct Passed: Encodable {
            var file: String
            var platform: String
            var version: String
            var recordMappings: Int
        }
        var passed: [Passed] = []
        var problems: [Diagnostic] = []
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Map payloads with a platform's mapping and validate the records; store nothing.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The platform whose mapping file to use.") var platform: String
        @Argument(help: "Payload files, JSON or XML as the mapping's format says.") var payloads: [String]
        @Flag(name: .long, help: "Print the mapped records as the samples' expected files hold them (canonical JSON, one record a line).")
        var canonical = false

        func validate() throws {
            if canonical && payloads.count != 1 { throw ValidationError("--canonical takes exactly one payload") }
        }

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let file = (configuration.mappingsDir as NSString).appendingPathComponent("platforms/\(platform).yaml")
            let engine = MappingEngine(mapping: try MappingLoader.load(file: file, spec: spec), spec: spec)
            var results: [MappingTestResult] = []
            for payloadFile in payloads {
                guard let data = FileManager.default.contents(atPath: payloadFile) else { throw CLIFailure("cannot read \(payloadFile)") }
                let trial = MappingTrial(payload: [UInt8](data), engine: engine)
                if canonical {
                    print(trial.canonicalText, terminator: "")
                    trial.problems.forEach { FileHandle.standardError.write(Data((problemLine($0) + "\n").utf8)) }
                }
                results.append(MappingTestResult(payload: payloadFile, records: trial.records, problems: trial.problems))
            }
            if canonical {
                if results.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(1) }
                return
            }
            if output.json { try Output.json(results) } else {
                for result in results {
                    print("\(result.payload): \(result.records.count) record(s), \(result.problems.count) problem(s)")
                    for record in result.records {
                        print("  \(record.dataset) \(record.key)  ← \(record.source)")
                        print("    " + JSONValue.object(record.fields.mapValues(JSONValue.string)).canonicalText)
                    }
                    result.problems.forEach { print(problemLine($0)) }
                }
            }
            if results.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(1) }
        }
    }
}

/// One problem of `mappings test`, as a line.
private func problemLine(_ problem: Problem) -> String {
    "  ✗ \(problem.code) \(problem.path)\(problem.label.map { " [\($0)]" } ?? ""): \(problem.message)"
}

/// What `mappings test` found in one payload.
struct MappingTestResult: Encodable {
    var payload: String
    var records: [MappingTrial.Record]
    var problems: [Problem]
}
