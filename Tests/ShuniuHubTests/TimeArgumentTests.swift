import Foundation
@testable import ShuniuCLI
import Testing

@Suite("Times on the command line")
struct TimeArgumentTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Days and clock times are Beijing time unless they carry an offset (Z, +08:00, -05:00); ages count back from now")
    func forms() {
        #expect(TimeArgument.parse("2027-01-15", now: now) == Date(timeIntervalSince1970: 1_800_000_000 - 8 * 3600 - 8 * 3600))
        #expect(TimeArgument.parse("2027-01-15T16:00", now: now) == now)
        #expect(TimeArgument.parse("2027-01-15T16:00:00", now: now) == now)
        #expect(TimeArgument.parse("2027-01-15T08:00:00Z", now: now) == now)
        #expect(TimeArgument.parse("2027-01-15T16:00:00+08:00", now: now) == now)
        #expect(TimeArgument.parse("2027-01-15T03:00:00-05:00", now: now) == now)
        #expect(TimeArgument.parse("2027-01-15Z", now: now) == now.addingTimeInterval(-8 * 3600))
        #expect(TimeArgument.parse("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(TimeArgument.parse("7d", now: now) == now.addingTimeInterval(-7 * 86400))
        for bad in ["yesterday", "2027-02-30", "2027-01-15T25:00", "2027-1-5", "h", "2027-01-15T16:00+8", "2027-01-15T16:00+08:00Z", "2027-01-15T16::00"] {
            #expect(TimeArgument.parse(bad, now: now) == nil, "\(bad)")
        }
    }
}
