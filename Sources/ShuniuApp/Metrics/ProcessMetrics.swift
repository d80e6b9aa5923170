import Foundation

/// The standard process metrics, read from `/proc` at each scrape: CPU time, resident memory,
/// open and allowed file descriptors, start time (the names Prometheus' client libraries use).
enum ProcessMetrics {
    static func exposition() -> String {
        var out = ""
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // /proc/self/stat: the fields after the command name's closing parenthesis, from field 3 (state) on.
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
            if let user = field(14), let system = field(15), ticks > 0 {
                out += family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (user + system) / ticks)
            }
            if let pages = field(24) {
                out += family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", pages * pageSize)
            }
            if let virtual = field(23) {
                out += family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", virtual)
            }
            if let started = field(22), let boot = bootTime(), ticks > 0 {
                out += family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.", boot + started / ticks)
            }
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // Less the descriptor the listing itself held open.
            out += family("process_open_fds", "gauge", "Number of open file descriptors.", Double(max(0, open.count - 1)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            out += family("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur))
        }
        return out
    }

    /// The `btime` line of /proc/stat: when the system booted, in seconds since the epoch.
    static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// One single-series family, with its HELP and TYPE lines.
    static func family(_ name: String, _ type: String, _ help: String, _ value: Double) -> String {
        let number = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(number)\n"
    }
}
