import Foundation
import ShuniuCore

/// Which days are working days (工作日) in China: Monday to Friday, less the statutory holidays
/// the State Council sets each year, plus the weekend days it makes working days (调休上班).
/// Loaded from `Mappings/spec/calendar/<year>.yaml`; a year without a file counts Monday to
/// Friday, and says so.
///
/// Days are counts from 1970-01-01 in Beijing time (``SpecTime/day(_:)``), so that no Calendar
/// runs per record.
public struct WorkingCalendar: Sendable {
    /// Rest days whatever their weekday, with the holiday's name.
    private var holidays: [Int: String]
    /// Saturdays and Sundays that are working days.
    private var makeUpWorkdays: Set<Int>
    /// The years that have a calendar file.
    public private(set) var years: Set<Int>

    public init(holidays: [Int: String] = [:], makeUpWorkdays: Set<Int> = [], years: Set<Int> = []) {
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
        self.years = years
    }

    /// Monday to Friday only: no year known.
    public static let weekdaysOnly = WorkingCalendar()

    /// 0 is Monday, 6 Sunday (1970-01-01 was a Thursday).
    static func weekday(_ day: Int) -> Int { ((day % 7) + 7 + 3) % 7 }

    public func isWorkingDay(_ day: Int) -> Bool {
        if makeUpWorkdays.contains(day) { return true }
        return holidays[day] == nil && Self.weekday(day) < 5
    }

    /// The holiday's name, or 周六/周日, for a rest day; nil for a working day.
    public func restDayName(_ day: Int) -> String? {
        guard !isWorkingDay(day) else { return nil }
        return holidays[day] ?? (Self.weekday(day) == 5 ? "周六" : "周日")
    }

    /// Working days after `start`'s date up to and including `end`'s (Beijing time): the start
    /// day is not counted, as the 民法典 counts periods.
    public func workingDays(from start: Date, to end: Date) -> Int {
        let (first, last) = (SpecTime.day(start), SpecTime.day(end))
        guard last > first else { return 0 }
        return (first + 1...last).filter(isWorkingDay).count
    }

    /// The last day of a period of `days` calendar days from `start` (the start day not
    /// counted): when it falls on a rest day, the day after the rest ends (民法典 第二百零三条).
    public func lastDay(of days: Int, from start: Date) -> Int {
        var last = SpecTime.day(start) + days
        while !isWorkingDay(last) { last += 1 }
        return last
    }

    /// The instant before which something that happened is more than `days` working days old
    /// at `now`: the start (Beijing midnight) of the day after which `days` working days have
    /// passed by today.
    public func cutoff(moreThan days: Int, workingDaysBefore now: Date) -> Date {
        var day = SpecTime.day(now)
        var counted = 0
        while true {
            if isWorkingDay(day) { counted += 1 }
            if counted > days { break }
            day -= 1
        }
        return Date(timeIntervalSince1970: TimeInterval(day * 86_400 - 8 * 3600))
    }

    /// The years from `start` to `end` that have no calendar file, for messages.
    public func uncoveredYears(from start: Date, to end: Date) -> [Int] {
        let first = SpecTime.civilDate(daysSinceEpoch: SpecTime.day(min(start, end))).year
        let last = SpecTime.civilDate(daysSinceEpoch: SpecTime.day(max(start, end))).year
        return (first...last).filter { !years.contains($0) }
    }
}
