import Foundation

/// Times in log lines: RFC 3339 in Beijing time (UTC+8 all year, no daylight saving), with
/// milliseconds, e.g. `2026-12-05T21:47:12.345+08:00`.
public enum BeijingTime {
    static let offsetSeconds = 8 * 3600

    public static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient) + time_t(offsetSeconds)
        var millis = Int(milliseconds % 1000)
        if millis < 0 { millis += 1000; seconds -= 1 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis
        )
    }
}
