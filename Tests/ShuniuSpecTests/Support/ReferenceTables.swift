import Foundation
import ShuniuTesting

/// The reference tables of the national spec (`../shared/reference/national-spec` beside the
/// repository; `SHUNIU_REFERENCE` overrides): datasets and their fields, as the spec tables and
/// the provincial receiver give them. Fresh clones do not have them; the tests that need them are
/// then skipped, saying so.
struct ReferenceTables {
    /// One row of `datasets.tsv`.
    struct Dataset {
        var code: String
        var name: String
        var label: String
    }

    /// One row of `fields.tsv`: the field as the spec tables give it (`spec_*`) and as the
    /// receiver checks it.
    struct Field {
        var dataset: String
        var code: String
        var label: String
        /// The spec's 数据类型 (字符型, 数值型, 日期时间型, …); empty for a receiver-only field.
        var specType: String
        /// The spec's format (`C..200`, `C9`, `N..20,6`, `yyyyMMddHHmmss`), normalized.
        var specFormat: String
        var specRequired: String
        /// The receiver's code list (`D:2001`, `E:TRUE_OR_FALSE`).
        var domain: String
        /// The spec's 值域 text.
        var specDomain: String
        /// The spec's 公开范围: 社会公开 or 政务公开.
        var specDisclosure: String = ""

        /// A field of the national spec, not only of the receiver.
        var isSpecField: Bool { !specType.isEmpty }
    }

    static let folder: String = ProcessInfo.processInfo.environment["SHUNIU_REFERENCE"]
        ?? URL(fileURLWithPath: RepositoryPaths.root).deletingLastPathComponent().appendingPathComponent("shared/reference/national-spec").path

    static var isPresent: Bool {
        FileManager.default.fileExists(atPath: folder + "/datasets.tsv") && FileManager.default.fileExists(atPath: folder + "/fields.tsv")
    }

    /// Nationally numbered: below 2000, except the provincial copies 800–909.
    static func isNational(_ code: String) -> Bool {
        guard let number = Int(code) else { return false }
        return number < 2000 && !(800...909).contains(number)
    }

    var datasets: [Dataset]
    /// Fields by dataset code, in the reference's order.
    var fields: [String: [Field]]

    init(folder: String = Self.folder) throws {
        datasets = try Self.rows(folder + "/datasets.tsv").filter { Self.isNational($0["dataset_code"] ?? "") }.map {
            Dataset(code: $0["dataset_code"] ?? "", name: $0["dataset_name"] ?? "", label: $0["dataset_label"] ?? "")
        }
        var fields: [String: [Field]] = [:]
        for row in try Self.rows(folder + "/fields.tsv") where Self.isNational(row["dataset_code"] ?? "") {
            let field = Field(
                dataset: row["dataset_code"] ?? "", code: row["field_code"] ?? "", label: row["field_label"] ?? "",
                specType: row["spec_type"] ?? "", specFormat: Self.normalizedFormat(row["spec_format"] ?? ""),
                specRequired: row["spec_required"] ?? "", domain: row["domain"] ?? "", specDomain: row["spec_domain"] ?? "",
                specDisclosure: row["spec_disclosure"] ?? "")
            fields[field.dataset, default: []].append(field)
        }
        self.fields = fields
    }

    /// The spec tables write a few formats loosely (`N．.20,6`, `C.ul`, `YYYYMMDDhhmmss`).
    static func normalizedFormat(_ format: String) -> String {
        let trimmed = format.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "．", with: ".")
        if trimmed.uppercased() == "YYYYMMDDHHMMSS" { return "yyyyMMddHHmmss" }
        return trimmed == "C.ul" ? "C..ul" : trimmed
    }

    /// A tab-separated file with a header row, as dictionaries by column name.
    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells + Array(repeating: "", count: max(0, header.count - cells.count))))
        }
    }
}
