import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import ShuniuAuth
import ShuniuCore
import ShuniuTransport
import ShuniuTrust

/// Delivers one destination's queue: claims due deliveries, POSTs them in batches, records each
/// outcome, and backs off as the retry policy and circuit breaker say. One service per
/// destination, so a failing upstream never holds up the others.
public struct DeliveryWorker: Service {
    let destination: Destination
    let store: any DeliveryQueue
    let http: CurlMultiClient
    let retry: RetryPolicy
    let breaker: CircuitBreaker
    let logger: Logger
    /// Failures logged once per spell, not once per batch.
    let failures: DeliveryFailureLog
    let metrics: any MetricsFactory
    /// Ends an idle wait early when ingest queued something new.
    let wakeups: WakeSignal.Subscription?
    /// How long an idle worker waits before looking again (retries fall due, pauses lift).
    let pollInterval: Duration

    public init(destination: Destination, store: any DeliveryQueue, http: CurlMultiClient, metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                wakeups: WakeSignal? = nil, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.metrics = metrics
        self.wakeups = wakeups?.subscribe()
        self.destination = destination
        self.store = store
        self.http = http
        self.retry = RetryPolicy(schedule: destination.retrySchedule)
        self.breaker = CircuitBreaker(threshold: destination.circuitBreakerFailures, firstPause: TimeInterval(destination.circuitBreakerPause))
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "destination"] = "\(destination.name)"
        self.logger = logger
        self.failures = DeliveryFailureLog(logger: logger)
    }

    public func run() async throws {
        let recovered = try await store.recoverInFlight(destination: destination.name)
        if recovered > 0 { logger.notice("requeued deliveries left in flight", metadata: ["count": "\(recovered)"]) }
        // A round that keeps failing (the store refusing) is logged when it starts and when it ends.
        var roundsFailing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let worked: Bool
            do {
                worked = try await deliverOnce()
                if roundsFailing {
                    logger.notice("delivery rounds work again")
                    roundsFailing = false
                }
            } catch {
                if !roundsFailing {
                    logger.error("delivery round failed; retrying quietly until one works", metadata: ["error": "\(error)"])
                    roundsFailing = true
                }
                worked = false
            }
            if !worked {
                try? await cancelWhenGracefulShutdown { try await idle() }
            }
        }
    }

    /// Waits for the poll interval, or less when ingest signals new work.
    private func idle() async throws {
        guard let wakeups else { return try await Task.sleep(for: pollInterval) }
        await wakeups.wait(upTo: pollInterval)
    }

    /// One round: returns true when something was sent.
    func deliverOnce(now: Date = Date()) async throws -> Bool {
        let control = try await store.destinationControl(destination.name)
        if control.paused { return false }
        var limit = destination.batchSize * destination.concurrency
        if let until = control.circuitOpenUntil {
            if until > now { return false }
            limit = 1  // half open: one probe
        }
        let claimed = try await store.claimDue(destination: destination.name, mode: destination.mode, limit: limit, now: now)
        if claimed.isEmpty { return false }
        let batches = stride(from: 0, to: claimed.count, by: destination.batchSize).map {
            Array(claimed[$0..<min($0 + destination.batchSize, claimed.count)])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in batches {
                group.addTask { try await send(batch) }
            }
            try await group.waitForAll()
        }
        return true
    }

    private func send(_ batch: [ClaimedDelivery]) async throws {
        let body = DeliveryBatch.body(for: batch)
        let started = Date()
        var outcomes: [DeliveryOutcome]
        var batchFailed = false
        do {
            let response = try await http.send(try request(for: batch, body: body))
            (outcomes, batchFailed) = interpret(response, for: batch, now: Date())
        } catch let error as TransportError {
            batchFailed = true
            outcomes = batch.map { delivery in
                DeliveryOutcome(
                    deliveryID: delivery.id,
                    result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: nil, now: Date()),
                    error: error.message
                )
            }
        }
        try await store.completeDeliveries(outcomes, destination: destination.name, now: Date())
        recordMetrics(outcomes, seconds: Date().timeIntervalSince(started))
        let breaker = self.breaker
        let control = try await store.recordBatchHealth(destination: destination.name, failed: batchFailed) { failures in
            breaker.openUntil(failures: failures, now: Date())
        }
        if batchFailed {
            failures.batchFailed(reason: outcomes.first?.error ?? "failed", circuitOpenUntil: control.circuitOpenUntil, failures: control.consecutiveFailures)
        } else {
            failures.batchSucceeded()
        }
        logger.debug("batch sent", metadata: ["records": "\(batch.count)", "ms": "\(Int(Date().timeIntervalSince(started) * 1000))"])
    }

    /// `shuniu_delivery_attempts_total{destination, outcome}` and `shuniu_delivery_seconds{destination}`.
    private func recordMetrics(_ outcomes: [DeliveryOutcome], seconds: Double) {
        var counts: [String: Int] = [:]
        for outcome in outcomes {
            switch outcome.result {
            case .delivered: counts["delivered", default: 0] += 1
            case .retry: counts["retry", default: 0] += 1
            case .dead: counts["dead", default: 0] += 1
            }
        }
        for (outcome, count) in counts {
            Counter(label: "shuniu_delivery_attempts_total", dimensions: [("destination", destination.name), ("outcome", outcome)], factory: metrics)
                .increment(by: count)
        }
        Timer(label: "shuniu_delivery_seconds", dimensions: [("destination", destination.name)], factory: metrics)
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    private func request(for batch: [ClaimedDelivery], body: [UInt8]) throws -> OutgoingRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Idempotency-Key", DeliveryBatch.idempotencyKey(for: batch)),
        ]
        if let appKey = destination.appKey, let secret = destination.secret {
            // The request target as sent, query included, as the hub's own requests are signed.
            let signing = RequestSigning(.hmac(PlatformCredential(appKey: appKey, secret: secret), destination.signatureMethod))
            headers += try signing.headers(method: "POST", url: destination.url, body: body)
        }
        return OutgoingRequest(
            method: "POST", url: destination.url, headers: headers, body: body, timeoutSeconds: destination.timeoutSeconds,
            clientCertificate: destination.tlsCertificate, clientKey: destination.tlsKey, trustedCAs: destination.tlsCA
        )
    }

    /// Outcomes for a batch from the upstream's answer; the flag tells whether the batch as a
    /// whole failed (for the circuit breaker).
    func interpret(_ response: ReceivedResponse, for batch: [ClaimedDelivery], now: Date) -> ([DeliveryOutcome], Bool) {
        let status = response.status
        if (200..<300).contains(status) {
            let answers = DeliveryBatch.perRecordResults(response.body)
            return (batch.map { delivery in
                guard let answer = answers[delivery.idempotencyKey] else {
                    return DeliveryOutcome(deliveryID: delivery.id, result: .delivered, status: status)
                }
                switch answer.status {
                case "rejected":
                    return DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "rejected by upstream: \(answer.message ?? "no reason given")", response: answer.message)
                case "retry":
                    return DeliveryOutcome(deliveryID: delivery.id, result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: nil, now: now), status: status, error: "upstream asked to retry: \(answer.message ?? "")")
                default:
                    return DeliveryOutcome(deliveryID: delivery.id, result: .delivered, status: status)
                }
            }, false)
        }
        let text = String(decoding: response.body.prefix(4000), as: UTF8.self)
        if RetryPolicy.isRetryable(status: status) {
            let retryAfter = RetryPolicy.retryAfter(response.headers["retry-after"], now: now)
            return (batch.map { delivery in
                DeliveryOutcome(deliveryID: delivery.id, result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: retryAfter, now: now),
                                status: status, error: "HTTP \(status)", response: text)
            }, true)
        }
        return (batch.map { delivery in
            DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "HTTP \(status): refused by upstream", response: text)
        }, false)
    }
}
