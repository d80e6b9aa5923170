import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// The spec files against the reference tables (`../shared/reference/national-spec`): every
/// nationally numbered dataset and field agrees with the spec tables in code, type family,
/// length, required flag, 公开范围 and code list, except the deviations `Mappings/spec/deviations.yaml`
/// lists with a reason each.
@Suite(
    "Spec files agree with the reference tables, but for the listed deviations",
    .enabled(if: ReferenceTables.isPresent, "the reference tables are absent (\(ReferenceTables.folder)): place shared/reference beside the repository to check the spec files against them")
)
struct SpecReferenceTests {
    static func comparison(spec directory: String = RepositoryPaths.spec) throws -> (ReferenceComparison, SpecDeviations) {
        let deviations = try SpecDeviations.load()
        let comparison = ReferenceComparison(reference: try ReferenceTables(), spec: try SpecLoader.load(directory: directory), codeLists: deviations.codeLists)
        return (comparison, deviations)
    }

    /// What is found but not listed, and what is listed but no longer found.
    static func unexplained(_ found: [SpecDifference], _ listed: [SpecDeviations.Entry]) -> (unlisted: [SpecDifference], stale: [SpecDeviations.Entry]) {
        let known = Set(listed.map(\.difference))
        let actual = Set(found)
        return (found.filter { !known.contains($0) }, listed.filter { !actual.contains($0.difference) })
    }

    @Test("Every nationally numbered dataset of the reference has a spec file")
    func everyDatasetShipped() throws {
        let reference = try ReferenceTables()
        let spec = try SpecLoader.load(directory: RepositoryPaths.spec)
        #expect(reference.datasets.count == 105)
        let absent = reference.datasets.filter { spec.dataset(DatasetID($0.code)) == nil }.map(\.code)
        #expect(absent.isEmpty, "no spec file for datasets \(absent)")
    }

    @Test("Every difference from the reference is a listed deviation, and every listed deviation still differs")
    func differencesAreListed() throws {
        let (comparison, deviations) = try Self.comparison()
        let (unlisted, stale) = Self.unexplained(comparison.differences(), deviations.deviations)
        #expect(unlisted.isEmpty, """
            \(unlisted.count) differences from the reference are not in Mappings/spec/deviations.yaml:
            \(unlisted.map(\.description).joined(separator: "\n"))
            Fix the spec file, or list them with a reason:
            \(unlisted.map(\.yamlEntry).joined(separator: "\n"))
            """)
        #expect(stale.isEmpty, "listed in deviations.yaml but no longer different: \(stale.map { $0.difference.description })")
    }

    @Test("Every deviation has a reason and names a dataset of the reference")
    func deviationsAreExplained() throws {
        let (comparison, deviations) = try Self.comparison()
        let codes = Set(comparison.reference.datasets.map(\.code))
        for entry in deviations.deviations {
            #expect(entry.reason.count >= 10, "deviation \(entry.difference) needs a reason")
            #expect(codes.contains(entry.dataset), "deviation \(entry.difference) names no nationally numbered dataset")
        }
        #expect(Set(deviations.deviations.map(\.difference)).count == deviations.deviations.count, "a deviation is listed twice")
    }

    @Test("A deviation taken off the list is reported with its dataset, field and both values")
    func removedDeviationFails() throws {
        let (comparison, deviations) = try Self.comparison()
        let removed = try #require(deviations.deviations.first)
        let (unlisted, _) = Self.unexplained(comparison.differences(), Array(deviations.deviations.dropFirst()))
        #expect(unlisted == [removed.difference])
        let message = try #require(unlisted.first).description
        for part in [removed.dataset, removed.field, removed.spec, removed.ours] {
            #expect(message.contains(part), "\(message) should name \(part)")
        }
    }

    @Test("A spec file changed away from the reference is reported with both values")
    func changedSpecFileFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        let file = copy + "/datasets/212.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let changed = original.replacingOccurrences(of: "{code: EXPERT_NAME, label: 专家姓名, type: text, maxLength: 50, required: true", with: "{code: EXPERT_NAME, label: 专家姓名, type: text, maxLength: 40")
        #expect(changed != original)
        try changed.write(toFile: file, atomically: true, encoding: .utf8)

        let (comparison, deviations) = try Self.comparison(spec: copy)
        let (unlisted, _) = Self.unexplained(comparison.differences(), deviations.deviations)
        #expect(Set(unlisted) == [
            SpecDifference(dataset: "212", field: "EXPERT_NAME", what: "length", spec: "maxLength 50", ours: "maxLength 40"),
            SpecDifference(dataset: "212", field: "EXPERT_NAME", what: "required", spec: "true", ours: "false"),
        ])
    }

    @Test("A 政务公开 field that lost its disclosure, or a 社会公开 one that gained it, is reported")
    func changedDisclosureFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        let file = copy + "/datasets/500.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        // By field code, whatever else the lines say: 联系方式 is 政务公开 in the spec tables, 项目规模 社会公开.
        let changed = original.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.contains("{code: CONTACT_INFORMATION,") { return line.replacingOccurrences(of: ", disclosure: government", with: "") }
            if line.contains("{code: PROJECT_SCALE,") { return line.replacingOccurrences(of: "}", with: ", disclosure: government}") }
            return String(line)
        }.joined(separator: "\n")
        #expect(changed != original)
        try changed.write(toFile: file, atomically: true, encoding: .utf8)

        let (comparison, deviations) = try Self.comparison(spec: copy)
        let (unlisted, _) = Self.unexplained(comparison.differences(), deviations.deviations)
        #expect(Set(unlisted) == [
            SpecDifference(dataset: "500", field: "CONTACT_INFORMATION", what: "disclosure", spec: "government", ours: "public"),
            SpecDifference(dataset: "500", field: "PROJECT_SCALE", what: "disclosure", spec: "public", ours: "government"),
        ])
    }
}
