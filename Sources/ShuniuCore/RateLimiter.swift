import Foundation
import Synchronization

/// A token bucket per caller (a consumer, a platform): up to a minute's allowance at once,
/// refilled evenly. Kept in memory: after a restart every caller starts with a full bucket,
/// which a minute's allowance makes harmless.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    public init() {}

    /// Takes one request from the caller's allowance; returns nil when allowed, else the whole
    /// seconds until the next request will be.
    public func take(_ caller: String, perMinute: Int, at now: Date) -> Int? {
        let capacity = Double(max(perMinute, 1))
        let refillPerSecond = capacity / 60
        return buckets.withLock { buckets in
            var bucket = buckets[caller] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * refillPerSecond)
            bucket.updated = now
            defer { buckets[caller] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
