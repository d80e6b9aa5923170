import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Clusters left behind by test processes that were killed (SIGKILL, a CI timeout) before they
/// could stop their server: each cluster's folder names the test process that made it
/// (``ownerFile``), and a new cluster first stops and removes those whose process is gone.
///
/// A parent-death signal cannot do this: Linux sends it when the *thread* that started the
/// server ends, and clusters are started from a short-lived thread.
extension PostgresCluster {
    /// The file, in a cluster's folder, holding the process id of the test process that owns it.
    static let ownerFile = "owner.pid"

    /// Notes this process as the owner of the cluster in `folder`.
    static func claim(_ folder: String) throws {
        try "\(getpid())\n".write(toFile: (folder as NSString).appendingPathComponent(ownerFile), atomically: true, encoding: .utf8)
    }

    /// Stops the servers of clusters whose owning test process has ended, and removes their folders.
    /// Folders without an owner file are left alone (another process may be making one now).
    static func removeStaleClusters() {
        let temporary = NSTemporaryDirectory()
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix("shuniu-pg-") }
        for name in folders {
            let folder = (temporary as NSString).appendingPathComponent(name)
            guard let owner = pid(in: (folder as NSString).appendingPathComponent(ownerFile)), !isAlive(owner) else { continue }
            // The postmaster's pid is the first line of postmaster.pid; SIGQUIT stops it at once.
            if let server = pid(in: folder + "/data/postmaster.pid"), isAlive(server) {
                kill(server, SIGQUIT)
                let deadline = ContinuousClock.now + .seconds(10)
                while isAlive(server) && ContinuousClock.now < deadline { usleep(50_000) }
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    private static func pid(in file: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// True while a process with this id exists (a zombie included).
    private static func isAlive(_ process: pid_t) -> Bool {
        kill(process, 0) == 0 || errno == EPERM
    }
}
