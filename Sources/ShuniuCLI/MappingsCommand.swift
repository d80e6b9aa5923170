import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuMapping
import ShuniuApp
import ShuniuSharing
import ShuniuSpec

/// `shuniu mappings`: check platform and destination mapping files and try them, storing and sending nothing.
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
        @Argument(help: "Mapping files (default: every file in Mappings/platforms and Mappings/destinations); a file in a folder named destinations is a destination's.")
        var files: [String] = []

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            func yamlFiles(_ folder: String) -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
            }
            let chosen = files.isEmpty ? yamlFiles(configuration.platformMappingsDir) + yamlFiles(configuration.destinationMappingsDir) : files
            var report = CheckReport()
            for file in chosen {
                do {
                    if ((file as NSString).deletingLastPathComponent as NSString).lastPathComponent == "destinations" {
                        let format = try DestinationFormatLoader.load(file: file, spec: spec)
                        let carried = format.record == nil ? "\(format.datasets.count) datasets" : "every dataset"
                        report.passed.append(.init(file: file, format: format.name, version: format.version, datasets: format.record == nil ? format.datasets.count : nil))
                        if !output.json { print("\(file): ok (format \(format.name), version \(format.version), \(format.body.rawValue) in \(format.encoding.rawValue), \(carried))") }
                        continue
                    }
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
            /// A platform's file: its platform and record mappings.
            var platform: String?
            /// A destination's file: its format, and how many datasets it carries (nil: every one).
            var format: String?
            var version: String
            var recordMappings: Int?
            var datasets: Int?
        }
        var passed: [Passed] = []
        var problems: [Diagnostic] = []
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map payloads with a platform's file and validate the records; or put a stored record in a destination's format. Store and send nothing.",
            discussion: """
                shuniu mappings test --platform E4201000005 payload.xml …
                shuniu mappings test --destination province 500 <key>   (the record's latest version, as that destination would get it)
                """
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var operatorOption: OperatorOption
        @Option(name: .long, help: "The platform whose mapping file to use.") var platform: String?
        @Option(name: .long, help: "The destination (of the configuration) whose format to render a stored record in.") var destination: String?
        @Argument(help: "Payload files (--platform); or the dataset and key of a stored record (--destination).") var payloads: [String]
        @Flag(name: .long, help: "Print the mapped records as the samples' expected files hold them (canonical JSON, one record a line).")
        var canonical = false
        @Flag(name: .customLong("personal-data"), help: "With --destination: show personal fields unmasked; the read is audited as record.read.")
        var personalData = false

        func validate() throws {
            if (platform == nil) == (destination == nil) { throw ValidationError("give --platform or --destination") }
            if destination != nil && payloads.count != 2 { throw ValidationError("--destination takes a dataset and a key") }
            if canonical && (payloads.count != 1 || platform == nil) { throw ValidationError("--canonical takes --platform and exactly one payload") }
        }

        func run() async throws {
            if let destination { return try await render(destination: destination) }
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let file = (configuration.mappingsDir as NSString).appendingPathComponent("platforms/\(platform ?? "").yaml")
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

        /// The record's latest version put in the destination's format, as the worker would send it.
        private func render(destination name: String) async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            guard let destination = configuration.destinations.first(where: { $0.name == name }) else {
                throw CLIFailure.notFound("no destination \(name) in the configuration (destinations: \(configuration.destinations.map(\.name).joined(separator: ", ")))")
            }
            let (dataset, key) = (DatasetID(payloads[0]), payloads[1])
            guard spec.dataset(dataset) != nil else { throw CLIFailure.notFound("no dataset \(dataset) in spec \(spec.version)") }
            let formats = try DestinationFormats.load(for: [destination], from: configuration.destinationMappingsDir, spec: spec, showingTokens: false)
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard var version = try await store.versions(dataset: dataset, key: key).last else {
                throw CLIFailure.notFound("the hub has no record \(dataset) \(key)")
            }
            if personalData {
                try await store.appendAudit(AuditEvent(
                    actorKind: .operator, actor: operatorOption.resolved, action: "record.read", outcome: "ok", subject: "\(dataset)/\(key)",
                    detail: JSONText.object(["personalData": "true", "format": destination.format ?? "shuniu-json", "destination": name])
                ))
            } else {
                let mask = PersonalDataMask(spec: spec)
                version.normalizedPayload = mask.mask(version.normalizedPayload, of: dataset)?.payload ?? version.normalizedPayload
                version.extra = version.extra.map { mask.maskUnknownFields($0)?.payload ?? $0 }
            }
            guard let format = formats[name] else { throw CLIFailure("destination \(name) has no format") }
            let rendering = format.requests(for: [ClaimedDelivery(id: 0, attempts: 0, version: version)], sendingAs: [:])
            let renderer = format as? DestinationRenderer
            let view = DestinationRenderingView(
                destination: name, format: destination.format ?? "the hub's JSON", dataset: dataset.rawValue, key: key, version: version.version,
                operation: version.operation.rawValue, personalDataMasked: !personalData,
                requests: rendering.requests.map { request in
                    .init(url: request.url(at: destination.url), headers: request.headers.map { "\($0.name): \($0.value)" }, body: renderer?.text(of: request.body) ?? String(decoding: request.body, as: UTF8.self))
                },
                problems: rendering.failures.map(\.message), cannotCarry: renderer?.format.cannotCarry ?? []
            )
            if output.json { try Output.json(view) } else { print(view.text) }
            if !view.problems.isEmpty { throw ExitCode(1) }
        }
    }
}

/// `mappings test --destination`: what would be sent, nothing sent.
struct DestinationRenderingView: Encodable {
    struct Request: Encodable {
        /// Where it goes: the destination's URL, with the format's path.
        var url: String
        var headers: [String]
        /// The body as text (GB 18030 shown as the characters it encodes).
        var body: String
    }

    var destination: String
    var format: String
    var dataset: String
    var key: String
    var version: Int
    var operation: String
    var personalDataMasked: Bool
    var requests: [Request]
    var problems: [String]
    var cannotCarry: [String]

    var text: String {
        var lines = ["\(dataset) \(key) v\(version) (\(operation)) to \(destination), format \(format)" + (personalDataMasked ? "; personal fields masked (--personal-data shows them)" : "")]
        for (index, request) in requests.enumerated() {
            lines.append("request \(index + 1) of \(requests.count): POST \(request.url)")
            lines += request.headers.map { "  " + $0 }
            lines.append("")
            lines.append(request.body)
        }
        lines += problems.map { "  ✗ " + $0 }
        if !cannotCarry.isEmpty { lines.append("this format cannot carry: " + cannotCarry.joined(separator: "; ")) }
        lines.append("nothing was sent")
        return lines.joined(separator: "\n")
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
