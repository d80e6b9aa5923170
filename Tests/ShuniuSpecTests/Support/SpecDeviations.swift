import Foundation
import ShuniuSpec
import ShuniuTesting
import Yams

/// `Mappings/spec/deviations.yaml`: which reference code lists each shipped list stands for,
/// and every known difference between the spec files and the reference, with its reason.
struct SpecDeviations: Decodable {
    /// One known difference, as the hub reads it too (`shuniu spec show`).
    typealias Entry = SpecDeviation

    /// Our code list's name → the reference's names for it (`D:2001`, `E:TRUE_OR_FALSE`, or words
    /// of its 值域 text).
    var codeLists: [String: [String]]
    var deviations: [Entry]

    static let path = RepositoryPaths.spec + "/deviations.yaml"

    static func load(path: String = Self.path) throws -> SpecDeviations {
        try YAMLDecoder().decode(SpecDeviations.self, from: String(contentsOfFile: path, encoding: .utf8))
    }
}

extension SpecDeviation {
    /// The difference it stands for.
    var difference: SpecDifference {
        SpecDifference(dataset: dataset, field: field, what: what, spec: spec, ours: ours)
    }
}
