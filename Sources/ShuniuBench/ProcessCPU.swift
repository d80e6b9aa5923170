import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time spent by processes, from /proc/PID/stat (user + system, all threads).
enum ProcessCPU {
    /// What /proc/PID/stat says of one process; nil when it has ended.
    struct Sample {
        var parent: pid_t
        /// Its own user + system time, in seconds.
        var own: Double
        /// User + system time of its children that ended and were waited for, in seconds.
        var endedChildren: Double
    }

    static func sample(_ pid: pid_t) -> Sample? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = text.lastIndex(of: ")") else { return nil }
        // The command name (in parentheses) may hold spaces: fields are counted after it, from
        // field 3 (state). ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
        let fields = text[text.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 14, let parent = pid_t(fields[1]) else { return nil }
        let ticks = fields[11...14].map { Double($0) ?? 0 }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return Sample(parent: parent, own: (ticks[0] + ticks[1]) / perSecond, endedChildren: (ticks[2] + ticks[3]) / perSecond)
    }

    /// The machine's one-minute load average (/proc/loadavg).
    static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }

    /// Seconds of CPU one process has used so far (0 once it has ended).
    static func seconds(of pid: pid_t) -> Double {
        sample(pid)?.own ?? 0
    }

    /// Seconds of CPU a server and its worker processes have used so far: the server's own, its
    /// children's that ended, and those of its children still running (PostgreSQL forks one
    /// backend per connection from the postmaster).
    static func seconds(ofTree root: pid_t) -> Double {
        guard let server = sample(root) else { return 0 }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let children = entries.compactMap(pid_t.init).compactMap { pid in sample(pid).flatMap { $0.parent == root ? $0.own : nil } }
        return server.own + server.endedChildren + children.reduce(0, +)
    }
}
