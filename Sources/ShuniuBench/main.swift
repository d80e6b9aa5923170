import Foundation

// shuniu-bench: measures the hub and prints figures; it asserts nothing.
//   swift run -c release shuniu-bench [ingest|delivery|mapping|certs|feed] [--batches N] [--batch-size N] [--concurrency N] [--samples N]
var arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first.map { $0.hasPrefix("--") } == false ? arguments.removeFirst() : "ingest"
let options = BenchmarkOptions.parse(arguments[...])
do {
    switch mode {
    case "ingest": try await IngestBenchmark(options: options).run()
    case "delivery": try await DeliveryBenchmark(options: options).run()
    case "mapping": try await MappingBenchmark(options: options).run()
    case "certs": try CertificateBenchmark(options: options).run()
    case "feed": try await FeedBenchmark(options: options).run()
    default: fatalError("unknown benchmark \(mode): ingest, delivery, mapping, certs or feed")
    }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    exit(1)
}
