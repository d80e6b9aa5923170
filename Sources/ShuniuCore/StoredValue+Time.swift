import Foundation

extension StoredValue {
    /// An instant as the SQLite engine stores a date: UTC text `yyyy-MM-dd HH:mm:ss.SSS`. Taken
    /// to the nearest millisecond, so that an engine keeping finer times (PostgreSQL's
    /// microseconds) and storing whole milliseconds reads back the text it wrote.
    public static func time(_ instant: Date) -> StoredValue {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        let seconds = Date(timeIntervalSince1970: Double(millis.quotientAndRemainder(dividingBy: 1000).quotient - (millis % 1000 < 0 ? 1 : 0)))
        let fraction = ((millis % 1000) + 1000) % 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        return .text(String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, Int(fraction)))
    }

    /// `instant` to the whole millisecond, as the SQLite engine keeps dates: what an engine with
    /// finer times stores, so that ``time(_:)`` of what it reads back is what it wrote.
    public static func wholeMilliseconds(_ instant: Date) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
