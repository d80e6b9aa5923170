import Foundation
import ShuniuCore

/// The spec's `yyyyMMddHHmmss` times, China Standard Time.
public enum SpecTime {
    /// The instant, or nil when the text is not 14 digits of a real time.
    public static func parseDateTime(_ text: String) -> Date? {
        let chars = Array(text)
        guard chars.count == 14, chars.allSatisfy({ $0.isASCII && $0.isNumber }),
              CalendarDay(String(chars[0..<8])) != nil,
              let hour = Int(String(chars[8..<10])), let minute = Int(String(chars[10..<12])), let second = Int(String(chars[12..<14])),
              hour < 24, minute < 60, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDay.chinaStandardTime
        let parts = DateComponents(
            year: Int(String(chars[0..<4])), month: Int(String(chars[4..<6])), day: Int(String(chars[6..<8])),
            hour: hour, minute: minute, second: second
        )
        return calendar.date(from: parts)
    }
}
