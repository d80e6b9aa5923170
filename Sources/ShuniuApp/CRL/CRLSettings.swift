import Foundation

/// How the hub keeps CRLs fresh (configuration keys under `crl.`), and the timing rules that
/// follow from them. Which URLs, how early before `nextUpdate` and what a stale CRL means are
/// each CA's own (`crl` in its `ca.yaml`, Certs/README.md).
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `crl.scanSeconds` | integer 1–3600 | `10` | how often the cache folder is checked for CRLs another process wrote (`shuniu certs crl refresh`) |
/// | `crl.retrySeconds` | integer 1–3600 | `30` | first retry after a failed fetch; doubles per failure. Also the shortest time between two fetches of one URL |
/// | `crl.maxRetrySeconds` | integer 1–86400 | `3600` | the longest wait between retries |
/// | `crl.timeoutSeconds` | integer 1–600 | `30` | one fetch, whole transfer |
///
/// Nothing here is secret.
public struct CRLSettings: Sendable, Equatable {
    public var scanSeconds: TimeInterval = 10
    public var retrySeconds: TimeInterval = 30
    public var maxRetrySeconds: TimeInterval = 3600
    public var timeoutSeconds = 30
    /// How long after a good fetch a CRL without `nextUpdate` is fetched again.
    public var refreshWithoutNextUpdate: TimeInterval = 86_400

    public init() {}

    /// The wait after the `failures`-th failure in a row: `retrySeconds` doubling up to
    /// `maxRetrySeconds`, then spread by ±20 % so that many hubs (or URLs) that failed together
    /// do not come back in step.
    public func retryDelay(afterFailures failures: Int, jitter: Double = Double.random(in: 0.8...1.2)) -> TimeInterval {
        let doublings = Double(min(max(failures - 1, 0), 30))
        return min(retrySeconds * pow(2, doublings), maxRetrySeconds) * jitter
    }

    /// When to fetch again after a good fetch: `refreshBefore` seconds before the CRL's
    /// `nextUpdate`, but never sooner than `retrySeconds` from now — a CA whose CRLs live less
    /// than `refreshBefore`, or that serves a stale one, is asked again at that pace, not in a loop.
    public func nextFetch(nextUpdate: Date?, refreshBefore: Int, now: Date) -> Date {
        let due = nextUpdate.map { $0.addingTimeInterval(-TimeInterval(refreshBefore)) } ?? now.addingTimeInterval(refreshWithoutNextUpdate)
        return max(due, now.addingTimeInterval(retrySeconds))
    }
}
