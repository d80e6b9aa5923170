/// Percentiles of a set of durations, in milliseconds.
struct LatencySummary {
    let sorted: [Double]

    init(seconds: [Double]) {
        sorted = seconds.map { $0 * 1000 }.sorted()
    }

    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
