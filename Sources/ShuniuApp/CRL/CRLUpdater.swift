import Foundation
import Logging
import ServiceLifecycle
import ShuniuTransport
import ShuniuTrust

/// Keeps every CA's CRLs fresh while the hub runs: one loop that starts each due fetch as a
/// child task (so a slow or dead CA server holds up nobody), rescans the cache folder for CRLs
/// another process wrote, and swaps a rebuilt verification into ``TrustState`` whenever the
/// cached CRLs change. It sleeps until the earliest due time, at most `crl.scanSeconds`, and
/// wakes early when a verification learns a new URL or a fetch ends.
///
/// On graceful shutdown it starts nothing new and waits for the fetches under way (each is
/// bounded by `crl.timeoutSeconds`).
struct CRLUpdater: Service {
    let refresher: CRLRefresher
    let trust: TrustState
    let send: CRLRefresher.Send
    let logger: Logger

    func run() async throws {
        let wakeups = refresher.wakeups.subscribe()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if refresher.rescan() {
                    trust.replace(with: refresher.verification())
                    logger.info("CRLs in force updated from the cache")
                }
                refresher.saveLearned()
                for due in refresher.claimDue(at: Date()) {
                    group.addTask { [refresher, send, logger] in
                        let report = await refresher.fetch(ca: due.ca, url: due.url, send: send)
                        Self.log(report, logger: logger)
                    }
                }
                let untilDue = refresher.nextDue().map { $0.timeIntervalSinceNow } ?? refresher.settings.scanSeconds
                let wait = max(0.01, min(untilDue, refresher.settings.scanSeconds))
                // The wait ignores cancellation by itself: shutdown and cancellation end it early.
                await withTaskCancellationHandler {
                    await withGracefulShutdownHandler {
                        await wakeups.wait(upTo: .milliseconds(Int(wait * 1000)))
                    } onGracefulShutdown: {
                        refresher.wakeups.signal()
                    }
                } onCancel: {
                    refresher.wakeups.signal()
                }
            }
        }
    }

    static func log(_ report: CRLFetchReport, logger: Logger) {
        let metadata: Logger.Metadata = ["ca": "\(report.ca)", "url": "\(report.url)", "result": "\(report.message)"]
        switch report.outcome {
        case .updated: logger.notice("CRL fetched", metadata: metadata)
        case .unchanged: logger.debug("CRL unchanged", metadata: metadata)
        case .failed:
            logger.warning("CRL fetch failed; the cached CRL stays in use", metadata: metadata.merging(
                ["nextAttempt": "\(report.nextAttempt.map(CRLSource.time) ?? "-")"], uniquingKeysWith: { $1 }
            ))
        }
    }
}
