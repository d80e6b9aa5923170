/// One way a spec file differs from the reference tables: in a dataset, a field and one aspect.
struct SpecDifference: Hashable, Comparable, CustomStringConvertible {
    var dataset: String
    /// The field code, or `-` for the dataset itself.
    var field: String
    /// dataset, missing, extra, type, length, required or codeList.
    var what: String
    /// The reference's value.
    var spec: String
    /// The spec file's value.
    var ours: String

    static func < (lhs: Self, rhs: Self) -> Bool {
        (Int(lhs.dataset) ?? 0, lhs.dataset, lhs.field, lhs.what) < (Int(rhs.dataset) ?? 0, rhs.dataset, rhs.field, rhs.what)
    }

    var description: String {
        "dataset \(dataset) field \(field): \(what) differs — reference \(spec), spec file \(ours)"
    }

    /// The entry that would list it in deviations.yaml.
    var yamlEntry: String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return "  - {dataset: \(quoted(dataset)), field: \(quoted(field)), what: \(what), spec: \(quoted(spec)), ours: \(quoted(ours)), reason: …}"
    }
}
