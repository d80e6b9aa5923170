/// 行政区划代码 (GB/T 2260): the codes the hub recognizes, loaded from a shipped table so that
/// the yearly official table can be dropped in.
public struct RegionTable: Sendable {
    public private(set) var names: [String: String]

    public init(names: [String: String]) {
        self.names = names
    }

    /// Parses `code<TAB>name` lines; `#` starts a comment. Returns the bad line numbers too.
    public static func parse(_ text: String) -> (RegionTable, badLines: [Int]) {
        var names: [String: String] = [:]
        var bad: [Int] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: "\t", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, shapeProblem(parts[0]) == nil else { bad.append(number + 1); continue }
            names[parts[0]] = parts[1]
        }
        return (RegionTable(names: names), bad)
    }

    /// Why a code is not a GB/T 2260 code of the table, or nil.
    public func problem(in code: String) -> String? {
        if let shape = RegionTable.shapeProblem(code) { return shape }
        guard names[code] != nil else { return "\(code) is not in the shipped GB/T 2260 table (Mappings/spec/regions)" }
        return nil
    }

    /// Six digits whose province pair is a real province-level code.
    public static func shapeProblem(_ code: String) -> String? {
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "must be 6 digits" }
        guard let province = Int(code.prefix(2)), (11...82).contains(province) else { return "the first two digits must be a province-level code (11–82)" }
        return nil
    }
}

import Foundation
