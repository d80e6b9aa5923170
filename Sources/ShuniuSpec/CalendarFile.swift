import Foundation
import ShuniuCore
import Yams

/// One year's holidays as the State Council's notice sets them, `Mappings/spec/calendar/<year>.yaml`:
///
/// ```yaml
/// year: 2026
/// source: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
/// holidays:                                  # 放假调休: rest days whatever the weekday
///   - {name: 春节, from: "2026-02-15", to: "2026-02-23"}
/// workdays: ["2026-02-14", "2026-02-28"]     # 调休上班: weekend days that are working days
/// ```
struct CalendarFile: Decodable {
    var year: Int
    var source: String
    var holidays: [Holiday]
    var workdays: [CalendarDay]

    struct Holiday: Decodable {
        var name: String
        var from: CalendarDay
        var to: CalendarDay
    }

    /// Every mistake, with the path of the value it is in (for its line).
    func problems(fileName: String) -> [(path: [String], message: String)] {
        var found: [(path: [String], message: String)] = []
        if fileName != "\(year).yaml" { found.append((["year"], "the file for \(year) must be named \(year).yaml")) }
        var restDays = Set<Int>()
        for (index, holiday) in holidays.enumerated() {
            let path = ["holidays", "\(index)"]
            if holiday.from.year != year || holiday.to.year != year {
                found.append((path, "\(holiday.name) \(holiday.from)…\(holiday.to) is not in \(year)"))
            }
            if holiday.to < holiday.from { found.append((path, "\(holiday.name) ends (\(holiday.to)) before it starts (\(holiday.from))")) }
            for day in Self.days(holiday.from, holiday.to) where !restDays.insert(day).inserted {
                found.append((path, "\(holiday.name) repeats \(SpecTime.dayText(day)), already a holiday"))
            }
        }
        for (index, workday) in workdays.enumerated() {
            let path = ["workdays", "\(index)"]
            let day = Self.number(workday)
            if workday.year != year { found.append((path, "\(workday) is not in \(year)")) }
            if WorkingCalendar.weekday(day) < 5 { found.append((path, "\(workday) is a weekday: only a Saturday or Sunday can be made a working day (调休上班)")) }
            if restDays.contains(day) { found.append((path, "\(workday) is both a holiday and a working day")) }
        }
        return found
    }

    /// Each holiday's days, by name.
    var restDays: [Int: String] {
        var days: [Int: String] = [:]
        for holiday in holidays {
            for day in Self.days(holiday.from, holiday.to) { days[day] = holiday.name }
        }
        return days
    }

    var makeUpWorkdays: Set<Int> { Set(workdays.map(Self.number)) }

    static func number(_ day: CalendarDay) -> Int {
        SpecTime.daysSinceEpoch(year: day.year, month: day.month, day: day.day)
    }

    static func days(_ from: CalendarDay, _ to: CalendarDay) -> [Int] {
        let (first, last) = (number(from), number(to))
        return first <= last ? Array(first...last) : []
    }
}
