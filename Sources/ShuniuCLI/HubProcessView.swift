import Foundation
import ShuniuApp

/// The daemon on a store, as its lock file names it: what `status` and `destinations list` say of it.
struct HubProcessView: Encodable {
    var running: Bool
    var pid: Int32?
    var version: String?
    var startedAt: Date?
    var uptimeSeconds: Int?

    init(dataDir: String, now: Date = Date()) {
        let daemon = DaemonLock.holder(dataDir: dataDir)
        running = daemon != nil
        pid = daemon?.pid
        version = daemon?.version
        startedAt = daemon?.startedAt
        uptimeSeconds = daemon.map { max(0, Int(now.timeIntervalSince($0.startedAt))) }
    }

    /// `hub: running, pid 42, version 0.14.0, up 3m 5s (since …)` or `hub: not running`.
    var line: String {
        guard running, let pid, let version, let startedAt, let uptimeSeconds else { return "hub: not running" }
        return "hub: running, pid \(pid), version \(version), up \(Self.duration(uptimeSeconds)) (since \(Output.time(startedAt)))"
    }

    /// "3d 4h 5m", "12m 3s": an uptime read at a glance.
    static func duration(_ seconds: Int) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m \(seconds % 60)s"
    }
}
