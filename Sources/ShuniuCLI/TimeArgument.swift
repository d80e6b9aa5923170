import Foundation
import ShuniuCore

/// Times on the command line: `2026-11-22` (midnight, Beijing time), `2026-11-22T08:30` or
/// `2026-11-22T08:30:00` (Beijing time), the same with an offset (`…Z`, `…+08:00`, as the CLI
/// prints times, with or without `--utc`), or an age back from now (`30m`, `2h`, `7d`).
enum TimeArgument {
    static func parse(_ text: String, now: Date = Date()) -> Date? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let number = Double(text.dropLast()), number >= 0 {
            return now.addingTimeInterval(-number * factor)
        }
        // Without an offset: Beijing time, the time the CLI shows by default.
        var offset = 8 * 3600
        var body = text
        if !text.contains("T"), text.hasSuffix("Z") {
            body = String(text.dropLast())  // a day in UTC
            offset = 0
        }
        let parts = body.split(separator: "T", maxSplits: 1).map(String.init)
        guard let first = parts.first, let day = CalendarDay(first), first.count == 10 else { return nil }
        var seconds = 0
        if parts.count == 2 {
            guard let (clockText, givenOffset) = splitOffset(parts[1]) else { return nil }
            offset = givenOffset ?? offset
            let clock = clockText.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }),
                  clock[0]! < 24, clock[1]! < 60, (clock.count == 2 || clock[2]! < 60) else { return nil }
            seconds = clock[0]! * 3600 + clock[1]! * 60 + (clock.count == 3 ? clock[2]! : 0)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let midnightUTC = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return midnightUTC.addingTimeInterval(Double(seconds - offset))
    }

    /// `08:30:00Z` → ("08:30:00", 0); `08:30+08:00` → ("08:30", 28800); `08:30` → ("08:30", nil); nil when the offset is malformed.
    private static func splitOffset(_ text: String) -> (String, Int?)? {
        if text.hasSuffix("Z") { return (String(text.dropLast()), 0) }
        guard let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return (text, nil) }
        let offset = text[text.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
        guard offset.count == 2, offset.allSatisfy({ $0.count == 2 }), let hours = Int(offset[0]), let minutes = Int(offset[1]),
              hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return (String(text[..<sign]), text[sign] == "-" ? -seconds : seconds)
    }
}
