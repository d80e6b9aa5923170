import Foundation
import Logging
import ServiceLifecycle
import ShuniuCore

/// Writes each ended minute's refusals of unidentified callers as one `anonymous.refused` audit
/// entry per address (``RefusalTally``), and at shutdown the minute under way too, before the
/// store closes. It also logs refusal bursts as they start and end (``RefusalBurstLog``).
struct RefusalSummaryWriter: Service {
    let tally: RefusalTally
    let store: any AuditLog
    let logger: Logger
    /// How often ended minutes and bursts are looked for.
    var interval: Duration = .seconds(1)

    func run() async throws {
        let bursts = RefusalBurstLog(tally: tally, logger: logger)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            bursts.check()
            await write(everything: Task.isShuttingDownGracefully || Task.isCancelled)
        }
    }

    /// Drains the tally into the audit log; a write that fails is logged and its counts are lost
    /// (they stored nothing else, and the store that refused them is failing anyway).
    func write(everything: Bool) async {
        for summary in tally.drain(endedBefore: Date(), everything: everything) {
            do {
                try await Self.append(summary, to: store)
            } catch {
                logger.failure("writing a refusal summary failed", error, metadata: ["address": "\(summary.address)"])
            }
        }
    }

    static func append(_ summary: RefusalTally.Summary, to store: any AuditLog) async throws {
        let detail = JSONValue.object([
            "minute": .string(summary.minute.formatted(.iso8601)),
            "counts": .object(summary.counts.mapValues { .number(Double($0)) }),
            "total": .number(Double(summary.counts.values.reduce(0, +))),
        ]).canonicalText
        try await store.appendAudit(AuditEvent(
            actorKind: .anonymous, actor: "-", action: "anonymous.refused", outcome: "summary", subject: nil, address: summary.address, detail: detail
        ))
    }
}
