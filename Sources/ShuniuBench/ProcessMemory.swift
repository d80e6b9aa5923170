import Foundation

/// This process's resident memory, from /proc/self/status.
enum ProcessMemory {
    /// Current (`VmRSS`) and peak (`VmHWM`) resident set, in MiB.
    static func residentMiB() -> (current: Double, peak: Double) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func value(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            let kilobytes = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
            return kilobytes / 1024
        }
        return (value("VmRSS"), value("VmHWM"))
    }
}
