import Foundation
import ShuniuCore

/// Decides, from an attempt's result, whether to retry and when.
///
/// Timeouts, connection errors, 5xx, 408 and 429 are retried after the schedule's next wait,
/// ±20 % jitter so that many items do not return at once; a `Retry-After` from the upstream is
/// honoured up to `retryAfterCap`. Any other 4xx (and 3xx) is final. Past the schedule's last
/// wait an item is dead.
public struct RetryPolicy: Sendable {
    public var schedule: [Int]
    public var retryAfterCap: TimeInterval
    public var jitter: @Sendable () -> Double

    public init(schedule: [Int], retryAfterCap: TimeInterval = 3600, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }) {
        self.schedule = schedule
        self.retryAfterCap = retryAfterCap
        self.jitter = jitter
    }

    /// True when an HTTP status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        status >= 500 || status == 408 || status == 429
    }

    /// The result after attempt number `attempt` (1 for the first) failed in a retryable way.
    public func afterRetryableFailure(attempt: Int, retryAfter: TimeInterval?, now: Date) -> DeliveryOutcome.Result {
        guard attempt <= schedule.count else { return .dead }
        let wait = retryAfter.map { min($0, retryAfterCap) } ?? Double(schedule[attempt - 1]) * jitter()
        return .retry(at: now.addingTimeInterval(max(1, wait)))
    }

    /// Parses `Retry-After`: seconds, or an HTTP date.
    public static func retryAfter(_ header: String?, now: Date) -> TimeInterval? {
        guard let header = header?.trimmedWhitespace, !header.isEmpty else { return nil }
        if let seconds = Double(header) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: header).map { max(0, $0.timeIntervalSince(now)) }
    }
}

