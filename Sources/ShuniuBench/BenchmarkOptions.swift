/// Command-line options of `shuniu-bench`, with defaults sized for a 2-core machine.
struct BenchmarkOptions {
    var batches = 200
    var batchSize = 100
    var concurrency = 4
    /// Single-record pushes timed from acknowledgement to a consumer's receipt (feed).
    var latencySamples = 200

    static func parse(_ arguments: ArraySlice<String>) -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                fatalError("usage: shuniu-bench [--batches N] [--batch-size N] [--concurrency N] [--samples N]")
            }
            switch flag {
            case "--batches": options.batches = value
            case "--batch-size": options.batchSize = value
            case "--concurrency": options.concurrency = value
            case "--samples": options.latencySamples = value
            default: fatalError("unknown option \(flag)")
            }
        }
        return options
    }
}
