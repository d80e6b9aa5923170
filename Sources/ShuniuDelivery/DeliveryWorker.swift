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
    /// How requests are made and answers read: the destination's mapping file, or the hub's JSON.
    let format: any DeliveryFormat

    public init(destination: Destination, store: any DeliveryQueue, http: CurlMultiClient, format: (any DeliveryFormat)? = nil,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                wakeups: WakeSignal? = nil, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.format = format ?? HubJSONFormat()
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
        let started = Date()
        let rendering = format.requests(for: batch, sendingAs: [:])
        // A version the format cannot carry is dead at once, with the reason: retrying changes nothing.
        var outcomes = rendering.failures.map { DeliveryOutcome(deliveryID: $0.deliveryID, result: .dead, error: $0.message) }
        var batchFailed = false
        for request in rendering.requests {
            let (sent, failed) = try await deliver(request)
            outcomes += sent
            batchFailed = batchFailed || failed
        }
        try await store.completeDeliveries(outcomes, destination: destination.name, now: Date())
        recordMetrics(outcomes, seconds: Date().timeIntervalSince(started))
        let breaker = self.breaker
        let control = try await store.recordBatchHealth(destination: destination.name, failed: batchFailed) { failures in
            breaker.openUntil(failures: failures, now: Date())
        }
        if batchFailed {
            failures.batchFailed(reason: outcomes.first { $0.result != .delivered }?.error ?? "failed", circuitOpenUntil: control.circuitOpenUntil, failures: control.consecutiveFailures)
        } else {
            failures.batchSucceeded()
        }
        logger.debug("batch sent", metadata: ["records": "\(batch.count)", "ms": "\(Int(Date().timeIntervalSince(started) * 1000))"])
    }

    /// Sends one request and gives each delivery's outcome. An insert the upstream already holds
    /// is sent again at once as an update, and an update of a record it does not hold as an
    /// insert: once each, so that an upstream that joined late (or lost a record) catches up
    /// without a dead letter. The flag tells whether the request as a whole failed.
    private func deliver(_ request: DeliveryRequest, resending: Bool = false) async throws -> ([DeliveryOutcome], Bool) {
        let response: ReceivedResponse
        do {
            response = try await http.send(try self.request(for: request, resending: resending))
        } catch let error as TransportError {
            return (request.deliveries.map { delivery in
                DeliveryOutcome(
                    deliveryID: delivery.id, result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: nil, now: Date()),
                    error: error.message
                )
            }, true)
        }
        var (outcomes, failed, again) = interpret(response, for: request, now: Date(), resending: resending)
        if !again.isEmpty {
            let retried = Set(again.keys)
            outcomes.removeAll { retried.contains($0.deliveryID) }
            let rendering = format.requests(for: request.deliveries.filter { retried.contains($0.id) }, sendingAs: again)
            outcomes += rendering.failures.map { DeliveryOutcome(deliveryID: $0.deliveryID, result: .dead, error: $0.message) }
            for second in rendering.requests {
                let (resent, secondFailed) = try await deliver(second, resending: true)
                outcomes += resent
                failed = failed || secondFailed
            }
        }
        return (outcomes, failed)
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

    private func request(for request: DeliveryRequest, resending: Bool) throws -> OutgoingRequest {
        // A record sent again as another operation is another request: it gets a key of its own.
        let operations = resending ? "-as-" + request.deliveries.map { request.operations[$0.id]?.rawValue ?? "" }.joined(separator: "-") : ""
        var headers = request.headers + [("Idempotency-Key", DeliveryBatch.idempotencyKey(for: request.deliveries) + operations)]
        let url = request.url(at: destination.url)
        if request.signed, let appKey = destination.appKey, let secret = destination.secret {
            // The request target as sent, query included, as the hub's own requests are signed.
            let signing = RequestSigning(.hmac(PlatformCredential(appKey: appKey, secret: secret), destination.signatureMethod))
            headers += try signing.headers(method: "POST", url: url, body: request.body)
        }
        return OutgoingRequest(
            method: "POST", url: url, headers: headers, body: request.body, timeoutSeconds: destination.timeoutSeconds,
            clientCertificate: destination.tlsCertificate, clientKey: destination.tlsKey, trustedCAs: destination.tlsCA
        )
    }

    /// Outcomes for a request from the upstream's answer, read by the format; the flag tells
    /// whether the request as a whole failed (for the circuit breaker); and the deliveries to send
    /// again once, with what to send them as (an insert it holds as an update, an update it lacks
    /// as an insert), when this was not already the second try.
    func interpret(_ response: ReceivedResponse, for request: DeliveryRequest, now: Date, resending: Bool = false)
        -> ([DeliveryOutcome], Bool, [Int64: RecordOperation]) {
        let status = response.status
        if (200..<300).contains(status) {
            let answers = format.answers(response.body, to: request)
            var again: [Int64: RecordOperation] = [:]
            let outcomes = request.deliveries.map { delivery -> DeliveryOutcome in
                let sentAs = request.operations[delivery.id] ?? delivery.version.operation
                switch answers[delivery.id] ?? .accepted {
                case .accepted, .duplicate:
                    return DeliveryOutcome(deliveryID: delivery.id, result: .delivered, status: status)
                case .rejected(let message):
                    return DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "rejected by upstream: \(message ?? "no reason given")", response: message)
                case .retry(let message):
                    return DeliveryOutcome(deliveryID: delivery.id, result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: nil, now: now), status: status, error: "upstream asked to retry: \(message ?? "")")
                case .exists(let message):
                    if sentAs == .insert && !resending { again[delivery.id] = .update }
                    return DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "the upstream already holds it: \(message ?? "")", response: message)
                case .absent(let message):
                    // Nothing to delete is as good as deleted.
                    if sentAs == .delete { return DeliveryOutcome(deliveryID: delivery.id, result: .delivered, status: status) }
                    if sentAs == .update && !resending { again[delivery.id] = .insert }
                    return DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "the upstream does not hold it: \(message ?? "")", response: message)
                }
            }
            return (outcomes, false, again)
        }
        let text = String(decoding: response.body.prefix(4000), as: UTF8.self)
        if RetryPolicy.isRetryable(status: status) {
            let retryAfter = RetryPolicy.retryAfter(response.headers["retry-after"], now: now)
            return (request.deliveries.map { delivery in
                DeliveryOutcome(deliveryID: delivery.id, result: retry.afterRetryableFailure(attempt: delivery.attempts + 1, retryAfter: retryAfter, now: now),
                                status: status, error: "HTTP \(status)", response: text)
            }, true, [:])
        }
        return (request.deliveries.map { delivery in
            DeliveryOutcome(deliveryID: delivery.id, result: .dead, status: status, error: "HTTP \(status): refused by upstream", response: text)
        }, false, [:])
    }
}
