/// Command-line options of `shuniu-bench`, with defaults sized for a 2-core machine.
struct BenchmarkOptions {
    var batches = 200
    var batchSize = 100
    var concurrency = 4
    /// Single-record pushes timed from acknowledgement to a consumer's receipt (feed).
    var latencySamples = 200
    /// Audit entries in the store `audit-verify` checks.
    var entries = 1_000_000
    /// `spec`: where its generated records are saved, or read from when the file exists.
    var recordsFile: String?

    /// The benchmarks there are, the first being the default.
    static let modes = ["ingest", "delivery", "formats", "mapping", "certs", "feed", "audit-verify", "spec", "scale-out"]

    static let usage = """
        usage: shuniu-bench [\(modes.joined(separator: "|"))] [--batches N] [--batch-size N] [--concurrency N] [--samples N] [--entries N] [--records FILE]
        Measures the hub and prints figures; asserts nothing. Defaults: ingest, --batches 200,
        --batch-size 100, --concurrency 4, --samples 200, --entries 1000000 (audit-verify).
        spec: --batches is the number of rounds over the generated records; --records FILE saves
        them, or reads them back when FILE exists, to compare two builds on the same records.
        formats: delivery throughput per destination format (hub JSON, shuniu-json, ggzy-v4, ceb-xml) to loopback receivers.
        scale-out: the release `shuniu` beside shuniu-bench serves SQLite, then 1, 2 and 3 instances
        on a throwaway PostgreSQL cluster (needs PostgreSQL installed; Ops/install-deps.sh).
        """

    /// What the command line asks for.
    enum Request {
        case run(mode: String, BenchmarkOptions)
        case help
        /// Arguments that do not parse; the message says which.
        case invalid(String)
    }

    /// Reads the arguments (without the program name): an optional mode, then options.
    static func parse(_ arguments: [String]) -> Request {
        if arguments.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "help" }) { return .help }
        var rest = arguments[...]
        var mode = modes[0]
        if let first = rest.first, !first.hasPrefix("-") {
            guard modes.contains(first) else { return .invalid("unknown benchmark \(first)") }
            mode = first
            rest = rest.dropFirst()
        }
        var options = BenchmarkOptions()
        var iterator = rest.makeIterator()
        while let flag = iterator.next() {
            if flag == "--records" {
                guard let path = iterator.next(), !path.hasPrefix("-") else { return .invalid("--records takes a file name") }
                options.recordsFile = path
                continue
            }
            guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                return .invalid("\(flag) takes a whole number above 0")
            }
            switch flag {
            case "--batches": options.batches = value
            case "--batch-size": options.batchSize = value
            case "--concurrency": options.concurrency = value
            case "--samples": options.latencySamples = value
            case "--entries": options.entries = value
            default: return .invalid("unknown option \(flag)")
            }
        }
        return .run(mode: mode, options)
    }
}
