import Foundation
import Logging
import ServiceLifecycle
import ShuniuCore
import ShuniuMapping
import UnixSignals

/// Reloads the platforms' mapping files on SIGHUP (sent by `shuniu mappings reload`), and audits
/// what happened: the versions now in force and every problem of a refused file. The same signal
/// puts the operators' allowed codes in force again (sent by `shuniu codes allow` and `remove`),
/// reads the destinations' format files again, and the served TLS certificate and key (an
/// operator's `kill -HUP` after renewing them).
struct MappingReloader: Service {
    let registry: MappingRegistry
    /// What loading the files at start-up found.
    let initial: MappingRegistry.ReloadReport
    let store: any AuditLog
    /// Read again on every SIGHUP as well.
    var allowedCodes: AllowedCodesReloader? = nil
    /// Read again on every SIGHUP as well, when the hub serves HTTPS.
    var serverTLS: ServerTLSReloader? = nil
    /// The destinations' format files, read again on every SIGHUP as well.
    var destinationFormats: DestinationFormatReloader? = nil
    let logger: Logger

    func run() async throws {
        // At start-up only trouble is worth an audit entry; a reload is always one.
        if !initial.isClean { await record(initial, trigger: "start") }
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                await record(registry.reload(), trigger: "SIGHUP")
                await allowedCodes?.reload(trigger: "SIGHUP")
                await serverTLS?.reload(trigger: "SIGHUP")
                await destinationFormats?.reload(trigger: "SIGHUP")
            }
        }
    }

    private func record(_ report: MappingRegistry.ReloadReport, trigger: String) async {
        if report.isClean {
            logger.notice("mappings loaded", metadata: ["platforms": "\(report.loaded.keys.sorted().joined(separator: ","))"])
        } else {
            for problem in report.refused { logger.error("mapping file refused", metadata: ["problem": "\(problem)"]) }
        }
        do {
            try await store.appendAudit(AuditEvent(
                actorKind: .system, actor: "shuniu", action: "mappings.reload", outcome: report.isClean ? "ok" : "refused",
                subject: trigger, address: nil, detail: JSONText.encode(report)
            ))
        } catch {
            logger.error("auditing a mapping reload failed", metadata: ["error": "\(error)"])
        }
    }
}
