import Logging
import ServiceLifecycle
import ShuniuCore

/// Writes a signed checkpoint of the audit chain's head (entries, last id and hash) at start,
/// whenever the log grew in an interval, and at stop: appended to the checkpoint file and
/// logged at notice level, both outside the store, so that removing the newest entries is seen
/// by `shuniu audit verify`.
struct AuditCheckpointWriter: Service {
    let store: any AuditTrail
    let log: AuditCheckpointLog
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var written = await write(event: "start", after: nil)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            written = await write(event: "interval", after: written)
        }
        // Every service that appends entries stopped before this one.
        _ = await write(event: "stop", after: nil)
    }

    /// Writes a checkpoint unless the newest entry is still `after`; returns the newest entry's id
    /// (nil when the attempt failed, so that the next one writes).
    private func write(event: String, after: Int64?) async -> Int64? {
        do {
            let last = try await store.lastAuditID()
            if let after, after == last { return last }
            let checkpoint = try await store.auditCheckpoint(event: event)
            try log.append(checkpoint)
            logger.notice("audit checkpoint", metadata: [
                "event": "\(event)", "entries": "\(checkpoint.entries)", "lastId": "\(checkpoint.lastId)",
                "lastHash": "\(checkpoint.lastHash)", "keyedFrom": "\(checkpoint.keyedFrom.map(String.init) ?? "-")",
                "keyId": "\(checkpoint.keyId)", "at": "\(checkpoint.at)", "mac": "\(checkpoint.mac)",
            ])
            return checkpoint.lastId
        } catch {
            logger.error("writing the audit checkpoint failed", metadata: ["file": "\(log.path)", "error": "\(error)"])
            return nil
        }
    }
}
