import Foundation
import ShuniuCore
import Testing
@testable import ShuniuSpec

@Suite("Times and decimal amounts")
struct ValueFormatTests {
    @Test("yyyyMMddHHmmss is read in China Standard Time")
    func dateTimes() throws {
        let instant = try #require(SpecTime.parseDateTime("20261122080000"))
        #expect(instant.timeIntervalSince1970 == 1_795_305_600)
        #expect(SpecTime.parseDateTime("20240229235959") != nil)
        #expect(SpecTime.parseDateTime("20260229000000") == nil)
        #expect(SpecTime.parseDateTime("20261301000000") == nil)
        #expect(SpecTime.parseDateTime("20261122240000") == nil)
        #expect(SpecTime.parseDateTime("2026-11-22 08:00") == nil)
        #expect(SpecTime.parseDateTime("２０２６１１２２０８００００") == nil)
    }

    @Test("Instants print as Beijing-time yyyyMMddHHmmss and parse back", arguments: [
        0, 1_795_305_600, 1_709_222_399, 951_782_400, -86_400, 4_102_444_799,
    ])
    func timeText(seconds: Int) throws {
        let text = SpecTime.text(Date(timeIntervalSince1970: Double(seconds)))
        #expect(text.count == 14)
        #expect(try #require(SpecTime.parseDateTime(text)).timeIntervalSince1970 == Double(seconds))
    }

    @Test("Decimals are normalized exactly", arguments: [
        ("0012.3400", "12.34"), ("35800000.00", "35800000"), ("0.000001", "0.000001"),
        ("+5", "5"), ("12345678901234.123456", "12345678901234.123456"),
    ])
    func decimals(input: String, canonical: String) throws {
        let decimal = try SpecDecimal.parse(input).get()
        #expect(decimal.text == canonical)
        #expect(decimal.isPositive)
    }

    @Test("Bad decimals are refused with a reason", arguments: [
        "1.1234567", "123456789012345", "1,000", "abc", "1.", ".5", "1e5", "",
    ])
    func badDecimals(input: String) {
        #expect(throws: SpecDecimalProblem.self) { try SpecDecimal.parse(input).get() }
    }

    @Test("Zero and negatives are not positive")
    func nonPositive() throws {
        #expect(try !SpecDecimal.parse("0.00").get().isPositive)
        #expect(try !SpecDecimal.parse("-0").get().isPositive)
        #expect(try SpecDecimal.parse("-0").get().text == "0")
        #expect(try !SpecDecimal.parse("-1.5").get().isPositive)
    }

    @Test("Calendar days parse both forms and reject impossible days")
    func calendarDays() {
        #expect(CalendarDay("2027-12-31")?.description == "2027-12-31")
        #expect(CalendarDay("20271231")?.description == "2027-12-31")
        #expect(CalendarDay("2027-02-29") == nil)
        #expect(CalendarDay("2027-1-31") == nil)
        // 2026-11-21T16:30Z is 00:30 on the 22nd in Beijing.
        #expect(CalendarDay(Date(timeIntervalSince1970: 1_795_278_600)).description == "2026-11-22")
    }
}
