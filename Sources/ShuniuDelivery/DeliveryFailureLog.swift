import Foundation
import Logging
import Synchronization

/// Logs a destination's failures once per change of state, not once per batch: when batches
/// start failing, when the circuit breaker first opens during that spell, and when a batch gets
/// through again (with how many failed and for how long), so a long outage is three lines.
final class DeliveryFailureLog: Sendable {
    private struct Spell {
        var since: Date
        var failedBatches: Int
        var circuitReported: Bool
    }

    private let spell = Mutex<Spell?>(nil)
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// A batch failed as a whole (transport error, retryable status).
    func batchFailed(reason: String, circuitOpenUntil: Date?, failures: Int, now: Date = Date()) {
        let (started, reportCircuit) = spell.withLock { spell -> (Bool, Bool) in
            var current = spell ?? Spell(since: now, failedBatches: 0, circuitReported: false)
            let started = spell == nil
            current.failedBatches += 1
            let reportCircuit = circuitOpenUntil != nil && !current.circuitReported
            if reportCircuit { current.circuitReported = true }
            spell = current
            return (started, reportCircuit)
        }
        if started {
            logger.error("deliveries failing", metadata: ["error": "\(reason)", "failures": "\(failures)"])
        }
        if reportCircuit, let until = circuitOpenUntil {
            logger.warning("circuit open: deliveries paused after repeated failures", metadata: ["until": "\(until)", "failures": "\(failures)"])
        }
    }

    /// A batch got an answer the destination meant (delivered, or refused record by record).
    func batchSucceeded(now: Date = Date()) {
        guard let ended = spell.withLock({ spell -> Spell? in
            defer { spell = nil }
            return spell
        }) else { return }
        logger.notice("deliveries succeed again", metadata: [
            "failedBatches": "\(ended.failedBatches)", "failingSeconds": "\(Int(now.timeIntervalSince(ended.since)))",
        ])
    }
}
