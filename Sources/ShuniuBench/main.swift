import Foundation

// shuniu-bench: measures the hub and prints figures; it asserts nothing.
//   swift run -c release shuniu-bench [--batches N] [--batch-size N] [--concurrency N]
let options = BenchmarkOptions.parse(CommandLine.arguments.dropFirst())
do {
    try await IngestBenchmark(options: options).run()
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    exit(1)
}
