import Foundation
import Logging
import ServiceLifecycle
import ShuniuCore

/// Reports this daemon to the store's roster at start and every `interval` while it runs, so
/// that `shuniu status` lists the instances alive (seen within the last minute).
struct InstanceHeartbeat: Service {
    let roster: any InstanceRoster
    let instance: HubInstance
    var interval: Duration = .seconds(15)
    let logger: Logger

    /// This process, as it reports itself: host, pid and a random part make the name unique.
    static func thisProcess(startedAt: Date = Date()) -> HubInstance {
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        return HubInstance(
            name: "\(host)-\(pid)-\(UUID().uuidString.prefix(8).lowercased())", host: host, pid: pid,
            version: BuildInfo.version, startedAt: startedAt, seenAt: startedAt
        )
    }

    func run() async throws {
        var report = instance
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            report.seenAt = Date()
            do {
                try await roster.reportAlive(report)
            } catch {
                logger.failure("reporting this instance to the store failed", error)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
