import Foundation

// shuniu-bench: measures the hub and prints figures; it asserts nothing.
//   swift run -c release shuniu-bench [ingest|delivery|formats|mapping|certs|feed|audit-verify|spec|scale-out] [--batches N] [--batch-size N] [--concurrency N] [--samples N] [--entries N] [--records FILE]
let mode: String
let options: BenchmarkOptions
switch BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst())) {
case .help:
    print(BenchmarkOptions.usage)
    exit(0)
case .invalid(let problem):
    FileHandle.standardError.write(Data("shuniu-bench: \(problem)\n\(BenchmarkOptions.usage)\n".utf8))
    exit(2)
case .run(let chosen, let parsed):
    (mode, options) = (chosen, parsed)
}
do {
    switch mode {
    case "delivery": try await DeliveryBenchmark(options: options).run()
    case "formats": try await FormatBenchmark(options: options).run()
    case "mapping": try await MappingBenchmark(options: options).run()
    case "certs": try CertificateBenchmark(options: options).run()
    case "feed": try await FeedBenchmark(options: options).run()
    case "audit-verify": try await AuditVerifyBenchmark(options: options).run()
    case "spec": try await SpecBenchmark(options: options).run()
    case "scale-out": try await ScaleOutBenchmark(options: options).run()
    default: try await IngestBenchmark(options: options).run()
    }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    exit(1)
}
