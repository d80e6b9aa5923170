/// 行政区划代码 (GB/T 2260): the codes in force, and the codes published since 1980 with the
/// revisions that list them, loaded from shipped tables so that a newer official table can be
/// dropped in.
///
/// A code in force is accepted. A code that is no longer in force is accepted too — records
/// about older projects carry them — but with a warning when the record's time falls outside
/// the revisions that list it (`retirement(of:at:)`). A code in neither is refused.
public struct RegionTable: Sendable {
    /// The codes in force, with their names.
    public private(set) var names: [String: String]
    /// Every code ever published, with its name and the first and last revision that list it.
    public private(set) var history: [String: RegionValidity]

    public init(names: [String: String], history: [String: RegionValidity] = [:]) {
        self.names = names
        self.history = history
    }

    /// The codes that were published once and are no longer in force.
    public var retiredCount: Int {
        history.keys.count(where: { names[$0] == nil })
    }

    /// Parses `code<TAB>name` lines (codes in force) and `code<TAB>name<TAB>first<TAB>last`
    /// lines (a code's validity, revisions as yyyyMM); `#` starts a comment. Returns the bad
    /// line numbers too.
    public static func parse(_ text: String) -> (RegionTable, badLines: [Int]) {
        var table = RegionTable(names: [:])
        var bad: [Int] = []
        // Ten thousand lines are read at every start: split as UTF-8 bytes, without grapheme
        // breaking or Foundation trimming (tab and newline bytes never occur inside a character).
        for (number, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = trimmedSpace(Substring(line))
            if trimmed.isEmpty || trimmed.utf8.first == UInt8(ascii: "#") { continue }
            let parts = trimmed.utf8.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { trimmedSpace(Substring($0)) }
            guard parts.count == 2 || parts.count == 4, shapeProblem(parts[0]) == nil, !parts[1].isEmpty else { bad.append(number + 1); continue }
            let code = String(parts[0]), name = String(parts[1])
            if parts.count == 2 {
                table.names[code] = name
                continue
            }
            guard let first = RegionValidity.month(parts[2]), let last = RegionValidity.month(parts[3]), first <= last else {
                bad.append(number + 1)
                continue
            }
            table.history[code] = RegionValidity(name: name, first: first, last: last)
        }
        return (table, bad)
    }

    /// Adds another file's codes; where both name a code, this table's entry stays.
    public mutating func merge(_ other: RegionTable) {
        names.merge(other.names) { first, _ in first }
        history.merge(other.history) { first, _ in first }
    }

    /// Why a code is not a GB/T 2260 code of the tables, or nil. A code that is no longer in
    /// force is no problem here: see `retirement(of:at:)`.
    public func problem(in code: String) -> String? {
        if let shape = RegionTable.shapeProblem(code) { return shape }
        guard names[code] != nil || history[code] != nil else {
            return "\(code) is not in the shipped GB/T 2260 table (Mappings/spec/regions): neither in force nor published since 1980"
        }
        return nil
    }

    /// Why a known code deserves a warning at `month` (yyyyMM, the record's time; nil when the
    /// record carries none): it is no longer in force, and `month` is not within the revisions
    /// that list it. Nil for a code in force, an unknown code, or a time the code was listed at.
    public func retirement(of code: String, at month: Int?) -> String? {
        guard names[code] == nil, let validity = history[code] else { return nil }
        if let month, validity.covers(month: month) { return nil }
        let first = RegionValidity.monthText(validity.first), last = RegionValidity.monthText(validity.last)
        let time: String
        switch month {
        case nil: time = "the record carries no time to place it in"
        case let month? where month < validity.first: time = "the record's time, \(RegionValidity.monthText(month)), is before it was first listed"
        case let month?: time = "the record's time, \(RegionValidity.monthText(month)), is after that"
        }
        return "\(code) \(validity.name) is no longer in force: listed in the revisions of \(first) to \(last), retired after the \(last) one; \(time)"
    }

    /// The text without leading or trailing spaces, tabs and carriage returns.
    private static func trimmedSpace(_ text: Substring) -> Substring {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let start = text.utf8.firstIndex(where: { !isSpace($0) }), let end = text.utf8.lastIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        return text[start...end]
    }

    /// Six digits whose province pair is a real province-level code.
    public static func shapeProblem<Code: StringProtocol>(_ code: Code) -> String? {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return "must be 6 digits" }
        guard let province = Int(code.prefix(2)), (11...82).contains(province) else { return "the first two digits must be a province-level code (11–82)" }
        return nil
    }
}

import Foundation
