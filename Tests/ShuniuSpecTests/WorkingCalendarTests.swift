import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// Working days as the State Council's notices set them, from `Mappings/spec/calendar/`.
@Suite("Working days and statutory holidays")
struct WorkingCalendarTests {
    let calendar: WorkingCalendar

    init() throws {
        calendar = try RepositoryPaths.loadedSpec().calendar
    }

    func day(_ text: String) -> Int {
        SpecTime.day(SpecTime.parseTimeOrDate(text)!)
    }

    func time(_ text: String) -> Date { SpecTime.parseDateTime(text)! }

    @Test("Holidays rest whatever the weekday; make-up Saturdays and Sundays work; other weekends rest", arguments: [
        ("20260214", true, nil),        // Saturday worked before 春节
        ("20260216", false, "春节"),     // Monday in 春节
        ("20261008", true, nil),        // Thursday after 国庆节 2026 (1–7 October)
        ("20251008", false, "国庆节、中秋节"), // 2025's holiday ran to 8 October
        ("20261010", true, nil),        // Saturday worked after 国庆节
        ("20261017", false, "周六"),
        ("20261018", false, "周日"),
        ("20261202", true, nil),
    ] as [(String, Bool, String?)])
    func days(date: String, working: Bool, rest: String?) {
        #expect(calendar.isWorkingDay(day(date)) == working, "\(date)")
        #expect(calendar.restDayName(day(date)) == rest, "\(date)")
    }

    @Test("Working days skip the holiday and count the make-up Saturday; the start day is not counted")
    func countAcrossGoldenWeek() {
        // 30 Sep (start, not counted) … 12 Oct 2026: 8 Thu, 9 Fri, 10 Sat (worked), 12 Mon.
        #expect(calendar.workingDays(from: time("20260930100000"), to: time("20261012100000")) == 4)
        // Monday to Friday alone would have counted 1 Oct to 12 Oct as 8.
        #expect(WorkingCalendar.weekdaysOnly.workingDays(from: time("20260930100000"), to: time("20261012100000")) == 8)
        #expect(calendar.workingDays(from: time("20261012100000"), to: time("20261012180000")) == 0)
    }

    @Test("A period whose last day is a rest day ends on the next working day (民法典 第二百零三条)")
    func lastDayMoves() {
        // 3 days from 29 Sep 2026 end on 2 Oct, in 国庆节: the period runs to Thursday 8 Oct.
        #expect(SpecTime.dayText(calendar.lastDay(of: 3, from: time("20260929180000"))) == "2026-10-08")
        // 3 days from Wednesday 2 Dec 2026 end on Saturday 5 Dec: Monday 7 Dec.
        #expect(SpecTime.dayText(calendar.lastDay(of: 3, from: time("20261202180000"))) == "2026-12-07")
        // A last day that is a working day stays.
        #expect(SpecTime.dayText(calendar.lastDay(of: 2, from: time("20261202180000"))) == "2026-12-04")
    }

    @Test("The cutoff for 'more than 3 working days' looks back past the holiday and counts the make-up Saturday")
    func cutoffBeforeNow() {
        let now = time("20261012100000")  // Monday after 国庆节; Saturday 10 October was worked
        let cutoff = calendar.cutoff(moreThan: 3, workingDaysBefore: now)
        #expect(cutoff == time("20261008000000"), "\(cutoff)")
        // Just before the cutoff is more than 3 working days ago; the cutoff itself is not.
        #expect(calendar.workingDays(from: cutoff.addingTimeInterval(-1), to: now) == 4)
        #expect(calendar.workingDays(from: cutoff, to: now) == 3)
        // With weekends only, the same question looks back to Wednesday 7 October.
        #expect(WorkingCalendar.weekdaysOnly.cutoff(moreThan: 3, workingDaysBefore: now) == time("20261007000000"))
    }

    @Test("Years without a calendar file are named, so that a warning can say it counted weekends only")
    func uncovered() {
        #expect(calendar.years.isSuperset(of: [2025, 2026]))
        #expect(calendar.uncoveredYears(from: time("20261220000000"), to: time("20270110000000")) == [2027])
        #expect(calendar.uncoveredYears(from: time("20260101000000"), to: time("20261231000000")).isEmpty)
    }

    @Test("A calendar file's mistakes are reported with file and line; the rest of the spec is unaffected")
    func badCalendarFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        try """
            year: 2027
            source: test
            holidays:
              - {name: 元旦, from: "2027-01-01", to: "2027-01-03"}
              - {name: 春节, from: "2027-02-10", to: "2027-02-05"}
              - {name: 重复, from: "2027-01-03", to: "2027-01-03"}
            workdays: ["2027-01-06", "2027-01-02"]
            """.write(toFile: copy + "/calendar/2028.yaml", atomically: true, encoding: .utf8)
        let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(directory: copy) }
        let found = error.diagnostics.map { "\($0.line ?? 0): \($0.message)" }
        #expect(error.diagnostics.allSatisfy { $0.file.hasSuffix("calendar/2028.yaml") }, "\(found)")
        for expected in [
            "1: the file for 2027 must be named 2027.yaml",
            "5: 春节 ends (2027-02-05) before it starts (2027-02-10)",
            "6: 重复 repeats 2027-01-03, already a holiday",
            "7: 2027-01-06 is a weekday: only a Saturday or Sunday can be made a working day (调休上班)",
            "7: 2027-01-02 is both a holiday and a working day",
        ] {
            #expect(found.contains(expected), "missing '\(expected)' in \(found)")
        }
    }
}
