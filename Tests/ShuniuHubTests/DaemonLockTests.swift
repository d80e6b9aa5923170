import Foundation
import ShuniuApp
import ShuniuTesting
import Testing

/// One daemon per store: the second `shuniu serve` on a data folder is refused while the first
/// runs, and commands that talk to the daemon still find the first.
@Suite("One daemon per data folder")
struct DaemonLockTests {
    @Test("A second serve on the same folder exits 3 naming the first; the first still answers; after it stops a new one starts")
    func secondDaemonRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        _ = try await Fixtures.registerBeforeStart(dataDir: dataDir)

        let firstPid = try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("first.log")) { first in
            let pid = first.process.pid
            let second = try await ChildProcess.run(
                RepositoryPaths.executable, ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0"],
                directory: RepositoryPaths.root, environment: CLI.environment(), timeout: 60
            )
            #expect(second.status == 3, "\(second.output)")
            #expect(second.output.contains("pid \(pid)"), "\(second.output)")
            #expect(second.output.contains("started 20"), "\(second.output)")
            #expect(!second.output.contains("Usage:"))
            #expect(!second.output.contains("shuniu listening"))

            // The refused daemon left the first's pid file and lock as they were.
            let pidFile = try String(contentsOfFile: dataDir + "/shuniu.pid", encoding: .utf8)
            #expect(pidFile == "\(pid)\n")
            #expect(DaemonLock.holder(dataDir: dataDir)?.pid == pid)
            let reload = try await CLI.run(["mappings", "reload", "--data-dir", dataDir])
            #expect(reload.status == 0, "\(reload.output)")
            let status = try await CLI.run(["status", "--data-dir", dataDir])
            #expect(status.status == 0, "\(status.output)")
            #expect(status.output.contains("hub: running, pid \(pid), version \(BuildInfo.version)"), "\(status.output)")
            // The daemon reports itself to the store as it starts.
            let reported = "instances seen in the last minute: \(ProcessInfo.processInfo.hostName)-\(pid)-"
            #expect(try await eventually { try await CLI.run(["status", "--data-dir", dataDir]).output.contains(reported) })

            // restore uses the same lock: refused while the hub runs, the store untouched.
            let restore = try await CLI.run(["restore", "--data-dir", dataDir, folder.file("no-such-backup")])
            #expect(restore.status == 3, "\(restore.output)")
            #expect(restore.output.contains("pid \(pid)"), "\(restore.output)")
            #expect(!restore.output.contains("Usage:"))
            return pid
        }

        #expect(!FileManager.default.fileExists(atPath: dataDir + "/shuniu.pid"))
        #expect(DaemonLock.holder(dataDir: dataDir) == nil)
        let status = try await CLI.run(["status", "--data-dir", dataDir])
        #expect(status.output.contains("hub: not running"), "\(status.output)")
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("third.log")) { third in
            #expect(third.process.pid != firstPid)
            #expect(DaemonLock.holder(dataDir: dataDir)?.pid == third.process.pid)
        }
    }

    @Test("A daemon killed with SIGKILL leaves no lock behind: the next one starts")
    func killedDaemonFreesTheLock() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        _ = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("first.log")) { first in
            let status = try await first.stop(signal: SIGKILL)
            #expect(status == 128 + SIGKILL)
        }
        // The stale pid file is still there; the lock is not held, so it names no daemon.
        #expect(FileManager.default.fileExists(atPath: dataDir + "/shuniu.pid"))
        #expect(DaemonLock.holder(dataDir: dataDir) == nil)
        let reload = try await CLI.run(["mappings", "reload", "--data-dir", dataDir])
        #expect(reload.status == 3, "\(reload.output)")
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("second.log")) { second in
            #expect(DaemonLock.holder(dataDir: dataDir)?.pid == second.process.pid)
        }
    }
}
