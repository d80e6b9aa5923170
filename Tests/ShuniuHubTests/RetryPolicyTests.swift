import Foundation
import ShuniuDelivery
import ShuniuStore
import Testing

@Suite("Retry policy and circuit breaker")
struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Which statuses are retried")
    func retryable() {
        for status in [500, 502, 503, 504, 408, 429] { #expect(RetryPolicy.isRetryable(status: status)) }
        for status in [400, 401, 403, 404, 409, 422, 301] { #expect(!RetryPolicy.isRetryable(status: status)) }
    }

    @Test("The schedule is followed with jitter, then the item is dead")
    func schedule() {
        let policy = RetryPolicy(schedule: [5, 300, 1800], jitter: { 1.2 })
        #expect(policy.afterRetryableFailure(attempt: 1, retryAfter: nil, now: now) == .retry(at: now.addingTimeInterval(6)))
        #expect(policy.afterRetryableFailure(attempt: 3, retryAfter: nil, now: now) == .retry(at: now.addingTimeInterval(2160)))
        #expect(policy.afterRetryableFailure(attempt: 4, retryAfter: nil, now: now) == .dead)
    }

    @Test("Retry-After is honoured, in seconds or as a date, and capped")
    func retryAfter() {
        let policy = RetryPolicy(schedule: [5], retryAfterCap: 3600, jitter: { 1 })
        #expect(policy.afterRetryableFailure(attempt: 1, retryAfter: 120, now: now) == .retry(at: now.addingTimeInterval(120)))
        #expect(policy.afterRetryableFailure(attempt: 1, retryAfter: 86400, now: now) == .retry(at: now.addingTimeInterval(3600)))
        #expect(RetryPolicy.retryAfter("30", now: now) == 30)
        // 2027-01-15T08:00:00Z is Unix time 1_800_000_000, ten seconds after `now - 10`.
        #expect(RetryPolicy.retryAfter("Fri, 15 Jan 2027 08:00:00 GMT", now: now.addingTimeInterval(-10)) == 10)
        #expect(RetryPolicy.retryAfter("Fri, 15 Jan 2027 08:00:00 GMT", now: Date(timeIntervalSince1970: 4_000_000_000)) == 0)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter(nil, now: now) == nil)
    }

    @Test("The circuit opens at the threshold and its pause doubles up to the maximum")
    func circuit() {
        let breaker = CircuitBreaker(threshold: 3, firstPause: 30, maximumPause: 100)
        #expect(breaker.openUntil(failures: 2, now: now) == nil)
        #expect(breaker.openUntil(failures: 3, now: now) == now.addingTimeInterval(30))
        #expect(breaker.openUntil(failures: 4, now: now) == now.addingTimeInterval(60))
        #expect(breaker.openUntil(failures: 9, now: now) == now.addingTimeInterval(100))
    }
}
