import Foundation

/// How long a connector endpoint waits after failed runs: `first` seconds, doubling with each
/// failure in a row up to `maximum`, ±20 % jitter so that connectors failing together do not
/// return together. A `Retry-After` from the platform is honoured up to `maximum`.
///
/// Delivery's `RetryPolicy` does not fit: it works through a fixed schedule and then gives up
/// (dead letters), while a connector never gives up on its platform.
public struct ConnectorBackoff: Sendable {
    public var first: TimeInterval
    public var maximum: TimeInterval
    public var jitter: @Sendable () -> Double

    public init(first: TimeInterval, maximum: TimeInterval, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }) {
        self.first = first
        self.maximum = max(first, maximum)
        self.jitter = jitter
    }

    /// The wait after `failures` failed runs in a row (1 for the first).
    public func delay(afterFailures failures: Int, retryAfter: TimeInterval? = nil) -> TimeInterval {
        let doublings = Double(min(max(failures - 1, 0), 30))
        let base = min(maximum, first * pow(2, doublings)) * jitter()
        let wait = max(base, min(retryAfter ?? 0, maximum))
        return max(0.1, wait)
    }
}
