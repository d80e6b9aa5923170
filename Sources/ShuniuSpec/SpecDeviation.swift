/// One known place where a spec file differs from the national spec's tables
/// (`Mappings/spec/deviations.yaml`), with the reason: shown by `shuniu spec show`, and held to
/// the reference tables by the tests, which fail on a difference not listed here.
public struct SpecDeviation: Codable, Sendable, Hashable {
    public var dataset: String
    public var field: String
    /// What differs: dataset, missing, extra, type, length, required, codeList, label, disclosure.
    public var what: String
    /// The reference's value, as the tests print it.
    public var spec: String
    /// Ours.
    public var ours: String
    public var reason: String
}

/// `deviations.yaml` as the hub reads it; its `codeLists` section is for the tests and the generator.
struct SpecDeviationsFile: Decodable {
    var deviations: [SpecDeviation]
}

/// Where a dataset file's facts come from.
public enum DatasetOrigin: String, Codable, Sendable {
    /// Written by `Ops/spec/generate-datasets.py` from the reference tables, nothing added.
    case generated
    /// Kept by hand: the reference's fields plus Shuniu's own rules, references and deadlines.
    case maintained
}
