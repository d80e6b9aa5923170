import Foundation
import ShuniuCore

/// Times on the command line: `2026-11-22` (midnight, Beijing time), `2026-11-22T08:30`
/// or `2026-11-22T08:30:00` (Beijing time), `…Z` (UTC), or an age back from now (`30m`, `2h`, `7d`).
enum TimeArgument {
    static func parse(_ text: String, now: Date = Date()) -> Date? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let number = Double(text.dropLast()), number >= 0 {
            return now.addingTimeInterval(-number * factor)
        }
        let utc = text.hasSuffix("Z")
        let body = utc ? String(text.dropLast()) : text
        let parts = body.split(separator: "T", maxSplits: 1).map(String.init)
        guard let day = CalendarDay(parts[0]), parts[0].count == 10 else { return nil }
        var seconds = 0
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":").map { Int($0) }
            guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }),
                  clock[0]! < 24, clock[1]! < 60, (clock.count == 2 || clock[2]! < 60) else { return nil }
            seconds = clock[0]! * 3600 + clock[1]! * 60 + (clock.count == 3 ? clock[2]! : 0)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : CalendarDay.chinaStandardTime
        let midnight = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return midnight.addingTimeInterval(Double(seconds))
    }
}
