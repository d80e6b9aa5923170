import Foundation
import ShuniuCore

/// The spec's `yyyyMMddHHmmss` times, China Standard Time.
public enum SpecTime {
    /// The instant, or nil when the text is not 14 digits of a real time.
    public static func parseDateTime(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        func number(_ range: Range<Int>) -> Int {
            digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        let (hour, minute, second) = (number(8..<10), number(10..<12), number(12..<14))
        guard CalendarDay.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 60 else { return nil }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds - 8 * 3600))
    }

    /// A `yyyyMMddHHmmss` time, a `yyyyMMddHHmm` one (the spec's 招拍挂 times) or a `yyyyMMdd`
    /// date, each taken at its first second.
    public static func parseTimeOrDate(_ text: String) -> Date? {
        switch text.utf8.count {
        case 8: parseDateTime(text + "000000")
        case 12: parseDateTime(text + "00")
        default: parseDateTime(text)
        }
    }

    /// Calendar days from `start` to `end`, fractions included.
    public static func days(from start: Date, to end: Date) -> Double {
        end.timeIntervalSince(start) / 86_400
    }

    /// `3` or `2.4`, for messages.
    public static func daysText(_ days: Double) -> String {
        days.rounded() == days ? String(Int(days)) : String(format: "%.1f", days)
    }

    /// The Beijing-time date of an instant, as a day count from 1970-01-01.
    public static func day(_ instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        return seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    }

    /// `yyyy-MM-dd` of a day count from 1970-01-01.
    public static func dayText(_ day: Int) -> String {
        let (year, month, date) = civilDate(daysSinceEpoch: day)
        return String(format: "%04d-%02d-%02d", year, month, date)
    }

    /// `yyyyMMddHHmmss` of an instant in Beijing time, without a Calendar (runs per mapped value).
    public static func text(_ instant: Date) -> String {
        let seconds = Int((instant.timeIntervalSince1970).rounded(.down)) + 8 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let digits = [year / 1000 % 10, year / 100 % 10, year / 10 % 10, year % 10, month / 10, month % 10, day / 10, day % 10,
                      secondOfDay / 36_000, secondOfDay / 3600 % 10, secondOfDay % 3600 / 600, secondOfDay % 3600 / 60 % 10,
                      secondOfDay % 60 / 10, secondOfDay % 10]
        return String(decoding: digits.map { UInt8(0x30 + $0) }, as: UTF8.self)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
    public static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil),
    /// without a Calendar: this runs for every time field of every record.
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
