import Foundation

/// After `threshold` consecutive failed batches, holds a destination back for a while and then
/// lets one small probe through, instead of hammering it. The pause doubles with every further
/// failure, up to `maximumPause`.
public struct CircuitBreaker: Sendable {
    public var threshold: Int
    public var firstPause: TimeInterval
    public var maximumPause: TimeInterval

    public init(threshold: Int = 5, firstPause: TimeInterval = 30, maximumPause: TimeInterval = 600) {
        self.threshold = threshold
        self.firstPause = firstPause
        self.maximumPause = maximumPause
    }

    /// Until when to hold back after `failures` consecutive failures, or nil to keep going.
    public func openUntil(failures: Int, now: Date) -> Date? {
        guard failures >= threshold else { return nil }
        let doublings = min(failures - threshold, 20)
        return now.addingTimeInterval(min(maximumPause, firstPause * pow(2, Double(doublings))))
    }
}
